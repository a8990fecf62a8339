"""Undo edits of observations sent by someone who was not allowed to edit them (issue 9 item 1).

Until now anyone who could submit to a project could send a new version of another volunteer's
observation (`deprecated_id`, OpenRosa `meta/deprecatedID`): the original disappeared from lists
and the map behind the other person's version. Now only the observation's own submitter (the same
person or app-user device, of it or of its first version), the project's owners and researchers
and Lab staff may edit one (rule "observation.edit"). For every stored edit made by anyone else,
this migration:

- unlinks the edit from the observation it claimed to edit (`deprecates` becomes empty), so the
  original is the current version again, listed and on the map;
- keeps the edit's row and answers as an observation of its own, and flags it for moderation
  (pending and accepted become flagged; flagged and rejected stay) with a reason naming the
  observation it claimed to edit, also recorded as a moderation event, so that the project's
  moderators decide what becomes of it.

Why not delete the edit: nothing stored may be lost, it may hold a real sighting, and it is
evidence; a moderator can reject it. Why not leave it linked and only flag it: the original would
stay hidden until a moderator acted.

Who was a lead "at the time" is judged by the team as it is now: a membership as owner or
researcher that began before the edit, or Lab staff (roles given up since are not recorded). An
edit by someone who led then but no longer does is flagged, not lost, and its reason says why.

The original's geoprivacy is left as it is: the edit may have made it more private, and what it
was before is not recorded; more private reveals nothing, and the observer can open it up again.
"""

from typing import Any

from django.conf import settings
from django.db import migrations
from django.db.models import Q

LEAD_ROLES = ("owner", "researcher")
REVIEW_STATUSES = ("pending", "accepted")


def undo_edits_by_others(apps: Any, schema_editor: Any) -> list[int]:
    """Unlink and flag every edit its sender was not allowed to make; return their ids."""
    observation_model = apps.get_model("collection", "Observation")
    moderation_event_model = apps.get_model("collection", "ModerationEvent")
    app_user_submission_model = apps.get_model("openrosa", "AppUserSubmission")
    membership_model = apps.get_model("projects", "Membership")
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))

    in_chains = Q(deprecates__isnull=False) | Q(deprecated_by__isnull=False)
    rows = {
        row["id"]: row
        for row in observation_model.objects.filter(in_chains)
        .values("id", "deprecates_id", "observer_id", "project_id", "instance_id", "status",
                "status_reason", "created_at")
        .distinct()
    }
    if not rows:
        return []
    devices = dict(
        app_user_submission_model.objects.filter(
            Q(observation__deprecates__isnull=False) | Q(observation__deprecated_by__isnull=False)
        )
        .values_list("observation_id", "app_user_id")
        .distinct()
    )
    lead_since = {
        (project_id, user_id): joined
        for project_id, user_id, joined in membership_model.objects.filter(
            role__in=LEAD_ROLES
        ).values_list("project_id", "user_id", "created_at")
    }
    staff = set(
        user_model.objects.filter(Q(site_role="staff") | Q(is_superuser=True)).values_list(
            "id", flat=True
        )
    )

    def sender(observation_id: int) -> tuple[Any, Any]:
        return (rows[observation_id]["observer_id"], devices.get(observation_id))

    def same_sender(one: tuple[Any, Any], other: tuple[Any, Any]) -> bool:
        return (one[0] is not None and one[0] == other[0]) or (
            one[1] is not None and one[1] == other[1]
        )

    def first_version(observation_id: int) -> int:
        seen = {observation_id}
        while (earlier := rows[observation_id]["deprecates_id"]) is not None:
            if earlier in seen or earlier not in rows:
                break
            seen.add(earlier)
            observation_id = earlier
        return observation_id

    def allowed(edit: dict[str, Any]) -> bool:
        editor, edited = sender(edit["id"]), edit["deprecates_id"]
        if any(same_sender(editor, sender(one)) for one in (edited, first_version(edited))):
            return True
        person = edit["observer_id"]
        if person is None:  # an app user is never a lead
            return False
        joined = lead_since.get((edit["project_id"], person))
        return person in staff or (joined is not None and joined <= edit["created_at"])

    # Decide every edit on the history as it was stored, before unlinking any.
    refused = [
        row for row in rows.values() if row["deprecates_id"] is not None and not allowed(row)
    ]
    for edit in refused:
        edited = rows[edit["deprecates_id"]]
        reason = (
            f"Sent as an edit of observation {edited['id']} ({edited['instance_id']}) by someone "
            "who may not edit it; made an observation of its own for review (issue 9)."
        )
        status = "flagged" if edit["status"] in REVIEW_STATUSES else edit["status"]
        # A reason given earlier is kept, the new one is added after it.
        status_reason = "\n\n".join(part for part in (edit["status_reason"], reason) if part)
        observation_model.objects.filter(pk=edit["id"]).update(
            deprecates=None, status=status, status_reason=status_reason
        )
        moderation_event_model.objects.create(
            observation_id=edit["id"],
            actor=None,
            from_status=edit["status"],
            to_status=status,
            reason=reason,
        )
    return [edit["id"] for edit in refused]


def _forwards(apps: Any, schema_editor: Any) -> None:
    undo_edits_by_others(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0006_media_original_unguessable_names"),
        ("openrosa", "0001_app_users_and_digest_credentials"),
        ("projects", "0002_project_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Nothing to undo backwards: which edits were unlinked is in their moderation events.
    operations = [migrations.RunPython(_forwards, migrations.RunPython.noop)]
