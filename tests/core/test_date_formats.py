"""Dates and date-times look the same on every page, in the viewer's language and time zone."""

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.utils import translation


def _render(source: str, **context: object) -> str:
    return Template("{% load cslab_format %}" + source).render(Context(context))


def test_a_day_is_a_time_element_with_the_iso_day_and_a_readable_day() -> None:
    with translation.override("en"):
        html = _render("{{ value|day }}", value=date(2026, 12, 4))
    assert html == '<time datetime="2026-12-04">4 December 2026</time>'


def test_a_moment_is_shown_in_the_site_time_zone() -> None:
    # 23:30 UTC on 4 December is 00:30 on 5 December in Amsterdam.
    with translation.override("en"):
        html = _render("{{ value|moment }}", value=datetime(2026, 12, 4, 23, 30, tzinfo=UTC))
    assert html == '<time datetime="2026-12-05T00:30:00+01:00">5 December 2026, 00:30</time>'


def test_the_day_of_a_moment_is_the_local_day() -> None:
    with translation.override("en"):
        html = _render("{{ value|day }}", value=datetime(2026, 12, 4, 23, 30, tzinfo=UTC))
    assert html == '<time datetime="2026-12-05">5 December 2026</time>'


def test_month_names_follow_the_viewer_language() -> None:
    with translation.override("nl"):
        text = _render("{{ value|day_text }}", value=date(2026, 3, 4))
    assert text == "4 maart 2026"


def test_nothing_is_shown_for_no_value() -> None:
    assert _render("{{ value|day }}|{{ value|moment }}", value=None) == "|"
