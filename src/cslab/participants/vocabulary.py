"""How a participant wants to be acknowledged."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditChoice(models.TextChoices):
    NAME = "name", _("by my name")
    PSEUDONYM = "pseudonym", _("by a pseudonym")
    NONE = "none", _("not at all")
