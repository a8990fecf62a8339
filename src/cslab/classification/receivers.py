"""Signal receivers: a visitor who classified anonymously and then signs in keeps the work."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from cslab.classification.identity import SESSION_KEY
from cslab.classification.services.classifications import classification_merge_session
from cslab.core.actors import Actor


@receiver(user_logged_in, dispatch_uid="classification_merge_session")
def merge_anonymous_classifications(sender: Any, request: Any, user: Actor, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    token = session.pop(SESSION_KEY, "")
    if token:
        classification_merge_session(user=user, session_identity=str(token))
