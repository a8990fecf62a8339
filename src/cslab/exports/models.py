"""Data exports of a project's observations, prepared by a background job and downloaded
through a link that expires."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataExport(models.Model):
    """One export file in one format: of one form's observations, or of one classification
    workflow's classifications or consensus results (`dataset`; `form` or `workflow` is set).

    `scope` "public" is what an anonymous visitor may see (obscured points, no personal data);
    "team" is what the person who asked may see (true coordinates for the project's leads).
    """

    class Scope(models.TextChoices):
        PUBLIC = "public", _("Public (obscured locations, no personal data)")
        TEAM = "team", _("Team (true locations and observers)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")

    class Dataset(models.TextChoices):
        OBSERVATIONS = "observations", _("observations")
        CLASSIFICATIONS = "classifications", _("classifications")
        RESULTS = "results", _("consensus results")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    dataset = models.CharField(
        _("dataset"), max_length=20, choices=Dataset.choices, default=Dataset.OBSERVATIONS
    )
    form = models.ForeignKey(
        "forms.Form",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("form"),
    )
    workflow = models.ForeignKey(
        "classification.Workflow",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("workflow"),
    )
    format = models.CharField(_("format"), max_length=20)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Relative to the exports folder; empty until ready and after expiry.
    file_name = models.CharField(max_length=300, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    rows = models.JSONField(default=dict, blank=True)  # rows written per table
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # A project's public "latest snapshot" of one form in one format, kept until replaced.
    is_snapshot = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A second click while one is being prepared gets the same export back.
            models.UniqueConstraint(
                fields=["requested_by", "project", "form", "format", "scope"],
                condition=models.Q(status="queued", form__isnull=False),
                name="exports_one_queued_export_per_person_and_kind",
            ),
            models.UniqueConstraint(
                fields=["requested_by", "project", "workflow", "dataset", "format", "scope"],
                condition=models.Q(status="queued", workflow__isnull=False),
                name="exports_one_queued_workflow_export_per_person_and_kind",
            ),
            # Observations come from a form; classifications and results from a workflow.
            models.CheckConstraint(
                condition=(
                    models.Q(dataset="observations", form__isnull=False, workflow__isnull=True)
                    | models.Q(
                        dataset__in=["classifications", "results"],
                        form__isnull=True,
                        workflow__isnull=False,
                    )
                ),
                name="exports_source_matches_dataset",
            ),
            # A snapshot is built as an ordinary export and only then marked, in the same
            # transaction that expires the one it replaces, so the current one is unique.
            models.UniqueConstraint(
                fields=["project", "form", "format"],
                condition=models.Q(is_snapshot=True, status="ready"),
                name="exports_one_current_snapshot_per_form_and_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.format} export {self.pk} of {self.project_id}"

    @property
    def rows_per_table(self) -> dict[str, int]:
        """Rows written per table, without the bookkeeping a snapshot keeps beside them."""
        return {
            table: count
            for table, count in (self.rows or {}).items()
            if not table.startswith("_") and isinstance(count, int)
        }

    @property
    def source_name(self) -> str:
        """The form ID, or "workflow-<id>-<dataset>": for file names and listings."""
        if self.form is not None:
            return self.form.form_id
        return f"workflow-{self.workflow_id}-{self.dataset}"


class DarwinCoreMapping(models.Model):
    """Which question of a form answers each Darwin Core term a question can answer
    (`darwin_core.MAPPABLE_TERMS`), as the project's team set it; terms not named here take
    the defaults the question names suggest."""

    form = models.OneToOneField(
        "forms.Form",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("form"),
    )
    # term -> question name; an empty name leaves a default term out.
    questions = models.JSONField(_("questions by term"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    def __str__(self) -> str:
        return f"Darwin Core mapping of form {self.form_id}"


class DataImport(models.Model):
    """A CSV, XLSX or Darwin Core Archive file of observations imported into one form: the
    uploaded file, how its columns answer the form's questions, and the reports of its dry
    run and of its import.

    Status: uploaded → checking (the dry run's job) → checked → importing (the import's job) →
    done; a failed job leaves "failed". A job is started only by a conditional update from a
    status that allows it, so one import never has two jobs running.
    """

    class SourceFormat(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel workbook (XLSX)")
        DWCA = "dwca", _("Darwin Core Archive")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKING = "checking", _("checking")
        CHECKED = "checked", _("checked")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Policy(models.TextChoices):
        VALID_ROWS = "valid_rows", _("Import the valid rows, report the others")
        ALL_OR_NOTHING = "all_or_nothing", _("Import nothing unless every row is valid")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    form = models.ForeignKey(
        "forms.Form", on_delete=models.CASCADE, related_name="+", verbose_name=_("form")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_format = models.CharField(_("format"), max_length=10, choices=SourceFormat.choices)
    original_name = models.CharField(_("file name"), max_length=255)
    # Relative to the var folder: imports/<project>-<token>.<suffix>
    file_name = models.CharField(max_length=300)
    size_bytes = models.PositiveBigIntegerField(default=0)
    headers = models.JSONField(default=list, blank=True)
    # question name (or "_observed_at") -> column header(s)
    mapping = models.JSONField(default=dict, blank=True)
    id_column = models.CharField(_("ID column"), max_length=255, blank=True)
    units = models.JSONField(default=dict, blank=True)  # question name -> the column's unit
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    policy = models.CharField(max_length=20, choices=Policy.choices, blank=True)
    # counts, the first row errors ({row, column, question, message}) and column warnings
    report = models.JSONField(default=dict, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["uploaded", "checking", "checked", "importing", "done", "failed"]
                ),
                name="exports_data_import_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(source_format__in=["csv", "xlsx", "dwca"]),
                name="exports_data_import_format_known",
            ),
            # A running job is always on record: the page follows it.
            models.CheckConstraint(
                condition=~models.Q(status__in=["checking", "importing"], job__isnull=True),
                name="exports_data_import_running_has_job",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_format} import {self.pk} into {self.form_id}"
