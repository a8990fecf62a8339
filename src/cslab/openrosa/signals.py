"""Recording Digest credentials when a plain password passes through the server.

Two moments, both robust to how the password got there:
- `post_save` of the user: `AbstractBaseUser.set_password()` keeps the plain password in
  `_password` until the save that follows it has run (Django uses it for its password
  validators' `password_changed`), so every path that sets a password and saves — sign-up,
  change, reset, the admin, `createsuperuser`, `changepassword` — records HA1 here.
- `user_logged_in`: for people whose password was set before this feature shipped, the
  password of the sign-in form (`password`, as in allauth's and the admin's forms) is recorded
  after checking it against the stored hash. Such people sign in on the web once before ODK
  Collect's Digest sign-in works for them.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from cslab.openrosa.services.digest_credentials import (
    digest_credential_is_current,
    digest_credential_record,
)


@receiver(post_save, sender=get_user_model(), dispatch_uid="openrosa_digest_on_password_set")
def record_on_password_set(sender: Any, instance: Any, **kwargs: Any) -> None:
    password = getattr(instance, "_password", None)
    if isinstance(password, str) and password:
        digest_credential_record(user=instance, password=password)


@receiver(user_logged_in, dispatch_uid="openrosa_digest_on_login")
def record_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    password = request.POST.get("password") if request is not None else None
    if not isinstance(password, str) or not password:
        return
    if digest_credential_is_current(user=user, password=password):
        return
    # The sign-in may have used another path (a link, single sign-on) while the form carried
    # some other "password"; only a password the stored hash confirms is recorded.
    if user.check_password(password):
        digest_credential_record(user=user, password=password)
