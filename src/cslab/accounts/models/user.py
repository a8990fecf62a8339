from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.core.roles import SiteRole
from cslab.core.time_zones import validate_time_zone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.pop("is_staff", None)
        fields.setdefault("site_role", SiteRole.STAFF)
        return self.create_user(email, password, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using cslab, signing in with an e-mail address.

    The site role is the one field that says what the person may do in the Lab as a whole;
    `is_staff` (which Django's admin reads) is derived from it.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Times are stored in UTC and shown in this zone (core.middleware.TimeZoneMiddleware); empty
    # means the site's (settings.TIME_ZONE, Europe/Amsterdam).
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    profile_public = models.BooleanField(
        _("public profile"),
        default=False,
        help_text=_("Show your display name and bio to everyone, not only to signed-in Lab staff."),
    )
    site_role = models.CharField(
        _("site role"), max_length=20, choices=SiteRole.choices, default=SiteRole.VOLUNTEER
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(site_role__in=["volunteer", "trainer", "staff"]),
                name="user_site_role_known",
            ),
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("profile_detail", kwargs={"user_id": self.pk})

    @property
    def is_staff(self) -> bool:
        return self.is_superuser or self.site_role == SiteRole.STAFF

    @property
    def public_name(self) -> str:
        """Return the name to show others: never the e-mail address."""
        return self.display_name or _("Volunteer #%(number)s") % {"number": self.pk}
