"""Starting exports at the same moment: the person's row lock keeps one running export."""

import threading
from typing import Any

import pytest
from django.db import connections

from cslab.privacy.models import PersonalDataExport
from cslab.privacy.services.export import personal_data_export_start
from tests.factories import UserFactory

STARTERS = 6


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_six_starts_at_the_same_moment_give_one_running_export(monkeypatch: Any) -> None:
    # The job itself is not run (the immediate task backend would run it in each thread).
    monkeypatch.setattr("cslab.core.services.jobs.transaction.on_commit", lambda function: None)
    person = UserFactory()
    barrier = threading.Barrier(STARTERS)
    started: list[int] = []
    lock = threading.Lock()

    def start() -> None:
        try:
            barrier.wait()
            export = personal_data_export_start(actor=person, user=person)
            with lock:
                started.append(export.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(STARTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(started) == STARTERS
    assert len(set(started)) == 1
    assert PersonalDataExport.objects.filter(user=person).count() == 1
