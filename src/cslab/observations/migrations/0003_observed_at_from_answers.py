"""Observations stored before the time observed came from the form's own date or date-and-time
answer kept the moment they were sent (a web form's "now"): take it from the answer, as
`observation_moment` now does for every new observation (issue 11, item 9)."""

from typing import Any

from django.db import migrations

BATCH = 2000


def _moment_kinds(definition: Any) -> bool:
    from cslab.observations.services.observations import OBSERVATION_MOMENT_KINDS

    return any(
        not question.is_repeat and question.kind in OBSERVATION_MOMENT_KINDS
        for question in definition.answered()
    )


def observed_at_from_answers(apps: Any, schema_editor: Any) -> None:
    from cslab.forms.form_definition import FormDefinition
    from cslab.observations.services.observations import _answered_moment, observation_moment

    FormVersion = apps.get_model("forms", "FormVersion")
    Observation = apps.get_model("observations", "Observation")
    definitions = {}
    for version_id, stored in FormVersion.objects.values_list("pk", "definition").iterator():
        if stored:
            definition = FormDefinition.from_json(stored)
            if _moment_kinds(definition):
                definitions[version_id] = definition
    if not definitions:
        return
    changed = []
    for observation in (
        Observation.objects.filter(form_version_id__in=list(definitions))
        .only("pk", "form_version_id", "answers", "observed_at", "observed_day_only")
        .iterator(chunk_size=BATCH)
    ):
        definition = definitions[observation.form_version_id]
        answers = observation.answers or {}
        if _answered_moment(definition, answers) is None:
            continue  # no day answered: the time it has is all there is
        moment, day_only = observation_moment(definition, answers, given=observation.observed_at)
        if moment != observation.observed_at or day_only != observation.observed_day_only:
            observation.observed_at, observation.observed_day_only = moment, day_only
            changed.append(observation)
        if len(changed) >= BATCH:
            Observation.objects.bulk_update(changed, ["observed_at", "observed_day_only"])
            changed = []
    if changed:
        Observation.objects.bulk_update(changed, ["observed_at", "observed_day_only"])


class Migration(migrations.Migration):
    dependencies = [
        ("forms", "0001_initial"),
        ("observations", "0002_observed_day_only"),
    ]

    operations = [
        migrations.RunPython(observed_at_from_answers, migrations.RunPython.noop, elidable=True),
    ]
