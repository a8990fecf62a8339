"""`cslab retention`: remove raw personal data whose retention period has passed.

Meant for cron, once a day: `17 3 * * *  cslab retention`. Running it twice does nothing the
second time; every project touched gets one audit entry with counts.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from cslab.privacy.services.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Remove raw personal data past its retention period: exact locations of obscured and "
        "private observations, event registration answers, expired export files and sessions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_apply(now=timezone.now())
        self.stdout.write(json.dumps(report.as_dict(), indent=2, sort_keys=True))
