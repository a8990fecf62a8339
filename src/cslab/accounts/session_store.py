"""Database sessions whose table holds a hash of each session key, never the key itself.

Django's database backend stores the cookie's value as the row's key, so a copy of the
database (a backup, a read-only leak) would hand out every signed-in session. Here the row's
key is SHA-256 of the cookie value (its first 40 hex digits: the column's width, 160 bits),
so the table tells nothing that signs anyone in. The cookie, its rotation at log-in and its
deletion at log-out work as before.
"""

import hashlib
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.utils import timezone

KEY_LENGTH = 40


def stored_key(session_key: str) -> str:
    """Return what the session table holds for this cookie value."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:KEY_LENGTH]


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> AbstractBaseSession | None:
        if self.session_key is None:
            return None
        session: AbstractBaseSession | None = self.model.objects.filter(
            session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
        ).first()
        if session is None:
            self._session_key = None
        return session

    async def _aget_session_from_db(self) -> AbstractBaseSession | None:
        if self.session_key is None:
            return None
        session: AbstractBaseSession | None = await self.model.objects.filter(
            session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
        ).afirst()
        if session is None:
            self._session_key = None
        return session

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(session_key=stored_key(session_key)).exists())

    async def aexists(self, session_key: str) -> bool:
        return bool(await self.model.objects.filter(session_key=stored_key(session_key)).aexists())

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        key = self._get_or_create_session_key()  # type: ignore[attr-defined]
        session: AbstractBaseSession = self.model(
            session_key=stored_key(key),
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )
        return session

    async def acreate_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        key = await self._aget_or_create_session_key()  # type: ignore[attr-defined]
        session: AbstractBaseSession = self.model(
            session_key=stored_key(key),
            session_data=self.encode(data),
            expire_date=await self.aget_expiry_date(),
        )
        return session

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=stored_key(session_key)).delete()

    @classmethod
    def delete_stored_key(cls, key: str) -> None:
        """Delete the session whose row key (the hash, as the table holds it) this is."""
        cls.get_model_class().objects.filter(session_key=key).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        await self.model.objects.filter(session_key=stored_key(session_key)).adelete()
