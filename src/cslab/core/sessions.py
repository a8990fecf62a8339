"""Ending every session of one person (erasure), whatever session engine is configured."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY

SESSIONS_PER_BATCH = 500


def sessions_of_user_delete(*, user_id: int, now: datetime) -> int:
    """Delete the unexpired sessions signed in as `user_id`; return how many.

    Sessions are not indexed by user, so the stored ones are read and decoded (in batches).
    Engines that keep no rows (signed cookies, the plain cache) cannot be searched: there the
    person's sessions end anyway, because erasure makes the account inactive and its password
    unusable, and Django drops a session whose user is inactive or whose password hash changed.
    """
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    get_model = getattr(store_class, "get_model_class", None)
    if get_model is None:
        return 0
    model = get_model()
    wanted = str(user_id)
    doomed: list[str] = []
    for key, data in (
        model.objects.filter(expire_date__gt=now)
        .values_list("session_key", "session_data")
        .iterator(chunk_size=SESSIONS_PER_BATCH)
    ):
        decoded = store_class().decode(data)
        if str(decoded.get(SESSION_KEY, "")) == wanted:
            doomed.append(key)
    # A store that keeps a hash of each key (cslab.accounts.session_store) deletes by the row's
    # key; others through the store, so a cached_db engine forgets its cached copy too.
    delete_stored_key = getattr(store_class, "delete_stored_key", None)
    for key in doomed:
        if delete_stored_key is not None:
            delete_stored_key(key)
        else:
            store_class(session_key=key).delete()
    return len(doomed)
