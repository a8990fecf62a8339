"""Forms and their versions.

A form belongs to a project and is known by its `form_id` (the XLSForm `settings` sheet's
`form_id`, the XForm's `id`). Each upload is a new `FormVersion`: versions are append-only and a
published version never changes, so submissions made against it stay readable and exportable.
"""

import threading
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.core.roles import ProjectRole
from cslab.forms.form_definition import FormDefinition

# Parsed definitions by (version pk, created_at), oldest first; a few hundred forms in memory.
MAX_PARSED_DEFINITIONS = 256
_PARSED_DEFINITIONS: dict[tuple[int, datetime], FormDefinition] = {}
_PARSED_DEFINITIONS_LOCK = threading.Lock()

FORM_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]*$"


class Form(models.Model):
    """A project's questionnaire, in one or more versions."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="forms",
        verbose_name=_("project"),
    )
    form_id = models.CharField(
        _("form ID"),
        max_length=100,
        validators=[
            RegexValidator(
                FORM_ID_PATTERN,
                _("A form ID starts with a letter or _ and has only letters, digits, _ . and -."),
            )
        ],
    )
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "collection_form"  # the table it had in `collection`
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["project", "form_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "form_id"], name="form_unique_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.form_id})"

    def project_role_for(self, user: Actor) -> ProjectRole | None:
        """Let project-role rules apply to the form itself."""
        return self.project.project_role_for(user)


class FormVersion(models.Model):
    """One immutable version of a form: its XForm and the XLSForm rows it was made from."""

    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="versions", verbose_name=_("form")
    )
    version = models.CharField(_("version"), max_length=100)
    xform = models.TextField(_("XForm XML"))
    # The parsed XLSForm: {"survey": [...], "choices": [...], "settings": [...], ...} as pyxform
    # reads it (a "workbook dict"); pyxform converts it again without a spreadsheet, and the
    # form builder edits the same structure.
    source = models.JSONField(_("XLSForm rows"), default=dict)
    # What the rows mean, typed (FormDefinition.to_json), read from `source` at publishing so
    # that every reader sees the same question kinds, rules and texts.
    definition = models.JSONField(_("form definition"), default=dict, blank=True)
    source_file_name = models.CharField(_("uploaded file name"), max_length=255, blank=True)
    # md5 of the UTF-8 bytes of `xform`, served as `md5:<hash>` in the OpenRosa formList.
    md5 = models.CharField(_("MD5 of the XForm"), max_length=32)
    languages = models.JSONField(_("label languages"), default=list, blank=True)
    warnings = models.JSONField(_("conversion warnings"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        db_table = "collection_formversion"  # the table it had in `collection`
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="form_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.form.form_id} {self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @cached_property
    def form_definition(self) -> FormDefinition:
        """The stored definition as typed values, parsed once per process and version.

        A version's definition is written when the version is made and never changed (a change
        is a new version), so the parsed value is shared by every request of the process; the key
        includes the creation time so a reused primary key (a test database) cannot match."""
        if self.pk is None or self.created_at is None:
            return FormDefinition.from_json(self.definition)
        key = (self.pk, self.created_at)
        found = _PARSED_DEFINITIONS.get(key)
        if found is None:
            found = FormDefinition.from_json(self.definition)
            with _PARSED_DEFINITIONS_LOCK:
                if len(_PARSED_DEFINITIONS) >= MAX_PARSED_DEFINITIONS:
                    _PARSED_DEFINITIONS.pop(next(iter(_PARSED_DEFINITIONS)))
                _PARSED_DEFINITIONS[key] = found
        return found
