"""Observations (submissions to a form version) and tombstones of erased ones.

An observation is identified by its form and its client-generated instance ID (the OpenRosa
`meta/instanceID`): the pair is unique in the database, which is what makes a resubmission
from an offline queue land on the stored row instead of adding a second one. An edit (OpenRosa
`meta/deprecatedID`) is a new row with its own instance ID that points at the version it
replaces through `deprecates`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole
from cslab.forms.models import Form, FormVersion


class Observation(models.Model):
    """One submission of answers to one form version."""

    class Geoprivacy(models.TextChoices):
        OPEN = "open", _("Open: the exact location is public")
        OBSCURED = "obscured", _("Obscured: only an area of about 20 km is public")
        PRIVATE = "private", _("Private: no location is public")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        FLAGGED = "flagged", _("Flagged")
        REJECTED = "rejected", _("Rejected")

    # Denormalised from form.project so that map aggregation and filters are one indexed scan.
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("project"),
    )
    # Denormalised from form_version.form so that (form, instance_id) can be a constraint.
    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="observations", verbose_name=_("form")
    )
    form_version = models.ForeignKey(
        FormVersion,
        on_delete=models.PROTECT,
        related_name="observations",
        verbose_name=_("form version"),
    )
    instance_id = models.CharField(_("instance ID"), max_length=200)
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
        verbose_name=_("observer"),
    )
    # The consent version in force for the observer (person or app user) when it was submitted
    # (GDPR Art. 7(1)); empty where the project asks for no consent.
    consent_version = models.ForeignKey(
        "consent.ConsentVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent version"),
        db_index=False,
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # SHA-256 of the answers as canonical JSON: tells an identical resubmission from a new one.
    content_hash = models.CharField(_("content hash"), max_length=64)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    # H3 cells of the true point at geoprivacy.INDEX_RESOLUTIONS (3, 5, 7, 9).
    h3_res3 = models.CharField(max_length=16, blank=True, db_index=True)
    h3_res5 = models.CharField(max_length=16, blank=True, db_index=True)
    h3_res7 = models.CharField(max_length=16, blank=True, db_index=True)
    h3_res9 = models.CharField(max_length=16, blank=True, db_index=True)
    observed_at = models.DateTimeField(_("observed at"), null=True, blank=True)
    # True when the form gave only the day: observed_at is then noon of that day, and pages show
    # the day alone rather than a time of day nobody gave.
    observed_day_only = models.BooleanField(_("only the day is known"), default=False)
    geoprivacy = models.CharField(
        _("geoprivacy"), max_length=10, choices=Geoprivacy.choices, default=Geoprivacy.OPEN
    )
    # True when a sensitive category of the project forced obscuring, whatever the observer chose.
    geoprivacy_forced = models.BooleanField(_("obscured because sensitive"), default=False)
    # The location the public sees: the true point when open, a random point inside the fixed
    # grid cell around it when obscured (drawn once and stored, so reloading reveals nothing),
    # none when private. Public maps and filters use only these columns.
    public_latitude = models.FloatField(_("public latitude"), null=True, blank=True)
    public_longitude = models.FloatField(_("public longitude"), null=True, blank=True)
    public_h3_res3 = models.CharField(max_length=16, blank=True)
    public_h3_res5 = models.CharField(max_length=16, blank=True)
    public_h3_res7 = models.CharField(max_length=16, blank=True)
    public_h3_res9 = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    # Plausibility warnings found at submission: [{"code": "outside_area", "message": "..."}].
    warnings = models.JSONField(_("plausibility warnings"), default=list, blank=True)
    # len(warnings), kept beside them so the moderation queue can sort on an indexed column.
    warning_count = models.PositiveSmallIntegerField(_("number of warnings"), default=0)
    deprecates = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deprecated_by",
        verbose_name=_("edit of"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "collection_observation"  # the table it had in `collection`
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "instance_id"], name="observation_unique_instance_per_form"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "flagged", "rejected"]),
                name="observation_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(geoprivacy__in=["open", "obscured", "private"]),
                name="observation_geoprivacy_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="observation_location_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["form", "-created_at"], name="observation_form_recent"),
            models.Index(fields=["project", "-created_at"], name="observation_project_recent"),
            models.Index(fields=["project", "status"], name="observation_project_status"),
            models.Index(fields=["project", "observed_at"], name="observation_project_time"),
            # Covering (PostgreSQL): the public map counts a project's observations per cell
            # from the index alone, without reading a million rows.
            *[
                models.Index(
                    fields=["project", f"public_h3_res{resolution}"],
                    include=["status", "geoprivacy", "public_latitude", "id"],
                    name=f"observation_map_res{resolution}",
                )
                for resolution in (3, 5, 7, 9)
            ],
            models.Index(fields=["observer", "-created_at"], name="observation_observer_recent"),
            models.Index(
                fields=["project", "status", "-warning_count", "id"],
                name="observation_moderation_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_id}/{self.instance_id}"

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        """Let project-role rules apply to the observation itself."""
        return self.project.project_role_for(user)


class Tombstone(models.Model):
    """What remains of an erased observation: a keyed hash of its instance ID, nothing else.

    The hash is HMAC-SHA256 keyed with the site's `TombstoneKey` (older tombstones: with the
    SECRET_KEY of their time; see cslab.observations.tombstones), so the erased ID cannot be read
    back from it, yet a stale offline queue resubmitting that ID is recognised and refused.
    """

    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="tombstones", verbose_name=_("form")
    )
    instance_hash = models.CharField(_("keyed hash of the instance ID"), max_length=64)
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)

    class Meta:
        db_table = "collection_tombstone"  # the table it had in `collection`
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "instance_hash"], name="tombstone_unique_per_form"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form_id}/{self.instance_hash[:12]}"


class TombstoneKey(models.Model):
    """The site's own key for tombstone hashes: one row, made by a migration, never rotated.

    It lives in the database, not in the settings, so that every backup holds it together with
    the tombstones it keys, and rotating SECRET_KEY leaves it alone.
    """

    SINGLE_ID = 1

    key = models.CharField(_("key (hex)"), max_length=64)
    # [[inner, outer], ...]: HMAC-SHA256 states of the SECRET_KEYs that keyed the tombstones made
    # before this key (cslab.observations.tombstones.hmac_states), not the secrets themselves.
    legacy_states = models.JSONField(_("states of earlier keys"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "collection_tombstonekey"  # the table it had in `collection`
        verbose_name = _("tombstone key")
        verbose_name_plural = _("tombstone keys")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="tombstone_key_single")
        ]

    def __str__(self) -> str:
        return "tombstone key"


class ObservationFlag(models.Model):
    """Someone's report that an observation looks wrong; one open flag per person."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="flags", verbose_name=_("observation")
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("flagged by"),
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        db_table = "collection_observationflag"  # the table it had in `collection`
        verbose_name = _("observation flag")
        verbose_name_plural = _("observation flags")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "flagged_by"],
                condition=models.Q(resolved_at__isnull=True),
                name="observation_flag_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"flag on {self.observation_id}"


class ModerationEvent(models.Model):
    """One change of an observation's moderation status: who, when, from, to and why."""

    observation = models.ForeignKey(
        Observation,
        on_delete=models.CASCADE,
        related_name="moderation_events",
        verbose_name=_("observation"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(max_length=10, choices=Observation.Status.choices)
    to_status = models.CharField(max_length=10, choices=Observation.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "collection_moderationevent"  # the table it had in `collection`
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.from_status} → {self.to_status}"
