"""Where the secret key comes from: the environment, or a key generated once for demo and dev."""

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def secret_key_from_environment(configured: str, *, generate_into: Path, may_generate: bool) -> str:
    """Return the configured key, or in demo/dev mode one kept in `generate_into`.

    With neither, raise ImproperlyConfigured: a production site must not start with a guessable key.
    """
    if configured:
        return configured
    if not may_generate:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set; set it in the environment (or DEBUG=true / CSLAB_DEMO=true "
            "for a local site)"
        )
    if generate_into.exists():
        return generate_into.read_text().strip()
    key = secrets.token_urlsafe(50)
    generate_into.parent.mkdir(parents=True, exist_ok=True)
    generate_into.touch(mode=0o600)
    generate_into.write_text(key)
    return key
