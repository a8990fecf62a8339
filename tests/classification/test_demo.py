"""The demo data: two workflows with classifications, retired subjects, stored aggregation
results and disputes; twice loaded, nothing doubles and nothing is aggregated again."""

from typing import Any

import pytest

from cslab.accounts.demo import load_demo_people
from cslab.classification.demo import load_demo_classification
from cslab.classification.models import Classification, Workflow, WorkflowSubject
from cslab.consensus.models import AggregationRun, ConsensusResult
from cslab.consensus.selectors import disputed_subjects
from cslab.projects.demo import load_demo_projects

pytestmark = pytest.mark.django_db


def test_demo_workflows_have_classifications_retirements_and_disputes(
    settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    load_demo_people()
    load_demo_projects()
    load_demo_classification()
    workflows = Workflow.objects.filter(project__external_id="pollinators")
    assert workflows.count() == 2
    survey = workflows.get(slug="who-visits-the-flower")
    assert Classification.objects.filter(workflow=survey).count() > 400
    assert WorkflowSubject.objects.filter(workflow=survey, retired_at__isnull=False).exists()
    owner = survey.project.memberships.get(role="owner").user
    assert disputed_subjects(user=owner, workflow=survey)
    runs = AggregationRun.objects.filter(workflow__in=workflows, status="succeeded")
    assert sorted(runs.values_list("method", flat=True)) == ["dawid-skene", "majority"]
    assert ConsensusResult.objects.filter(workflow=survey).count() == 60
    count = Classification.objects.count()
    load_demo_classification()
    assert Classification.objects.count() == count
    assert runs.count() == 2
