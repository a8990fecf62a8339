"""The words of consent: how a person consented, what they chose on withdrawal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentChannel(models.TextChoices):
    """How the consent was given (the ICO's "how")."""

    WEB = "web", _("on the website")
    API = "api", _("through the API")
    OPENROSA = "openrosa", _("for an ODK Collect app user")


class WithdrawalChoice(models.TextChoices):
    """What becomes of a person's contributions when they withdraw from a project."""

    ANONYMISE = "anonymise", _("keep my contributions, anonymised")
    DELETE = "delete", _("delete my contributions")


class WithdrawalOptions(models.TextChoices):
    """What a consent version lets a withdrawing participant choose (the ethics board decides)."""

    ANONYMISE_OR_DELETE = "anonymise_or_delete", _("keep anonymised or delete, as they choose")
    ANONYMISE_ONLY = "anonymise_only", _("keep anonymised only (deletion would harm the research)")
