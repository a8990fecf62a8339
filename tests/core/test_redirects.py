"""A form's `next` sends people back within the site, never to another one."""

from django.http import HttpRequest
from django.test import RequestFactory

from cslab.core.redirects import safe_next


def _post(next_value: str) -> HttpRequest:
    return RequestFactory().post("/somewhere/", {"next": next_value})


def test_a_path_on_this_site_is_followed() -> None:
    assert safe_next(_post("/projects/birds/"), "/") == "/projects/birds/"


def test_another_site_or_a_scheme_trick_falls_back() -> None:
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", ""):
        assert safe_next(_post(target), "/fallback/") == "/fallback/"
