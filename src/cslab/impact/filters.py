"""The query strings of the impact dashboards, read into typed filters.

A project's dashboard, report and chart downloads take ``start`` and ``end`` (ISO dates, both
ends included, either may be left out) and ``granularity`` (``week`` or ``month``, the
retention cohorts). The Lab dashboard takes ``faculty``, ``domain`` and ``initiator_type``
(values of `projects.vocabulary`), the same period, and ``compare`` repeated for up to
`MAX_COMPARED` project slugs.

The forms only parse: a bad date, an end before the start, an unknown choice or too many
projects to compare is a form error the page shows (status 400). Which compared projects the
viewer may see is the selectors' question; a slug of a project one may not see is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cslab.impact.figures import LabFilters, Period
from cslab.impact.vocabulary import Granularity
from cslab.projects.vocabulary import Faculty, InitiatorType, ResearchDomain

MAX_COMPARED = 4
# Dates outside these years are typing mistakes, and would make week-by-week series huge.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
# More repeated values than this is not a person choosing projects; refuse it before parsing.
MAX_COMPARE_VALUES = 20


def _all(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class PeriodForm(forms.Form):
    """The period of a project's figures and the granularity of its retention cohorts."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_start(self) -> date | None:
        return self._plausible(self.cleaned_data.get("start"))

    def clean_end(self) -> date | None:
        return self._plausible(self.cleaned_data.get("end"))

    @staticmethod
    def _plausible(value: date | None) -> date | None:
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s."),
                params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end < start:
            self.add_error("end", _("The end lies before the start."))
        return cleaned

    def period(self) -> Period:
        """The period chosen; call after `is_valid()`."""
        return Period(start=self.cleaned_data.get("start"), end=self.cleaned_data.get("end"))


class ProjectImpactForm(PeriodForm):
    granularity = forms.ChoiceField(
        label=_("Retention cohorts by"),
        choices=Granularity.choices,
        required=False,
    )

    def chosen_granularity(self) -> str:
        return str(self.cleaned_data.get("granularity") or Granularity.WEEK)


class LabImpactForm(PeriodForm):
    faculty = forms.ChoiceField(
        label=_("Faculty"), choices=_all(_("All faculties")) + Faculty.choices, required=False
    )
    domain = forms.ChoiceField(
        label=_("Research domain"),
        choices=_all(_("All domains")) + ResearchDomain.choices,
        required=False,
    )
    initiator_type = forms.ChoiceField(
        label=_("Initiated by"),
        choices=_all(_("All initiators")) + InitiatorType.choices,
        required=False,
    )
    # `compare` is read by `compared_slugs` (a repeated value, not a field of the form).
    field_order = ["faculty", "domain", "initiator_type", "start", "end"]

    def __init__(self, data: QueryDict | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self._compare = data.getlist("compare") if data is not None else []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        slugs = [slug.strip() for slug in self._compare[:MAX_COMPARE_VALUES] if slug.strip()]
        unique = list(dict.fromkeys(slugs))
        if len(self._compare) > MAX_COMPARE_VALUES or len(unique) > MAX_COMPARED:
            self.add_error(
                None,
                _("Compare at most %(count)s projects at a time.") % {"count": MAX_COMPARED},
            )
        # A slug that cannot be one names no project anyone may see: dropped like an unknown one.
        cleaned["compare"] = [slug for slug in unique if SLUG.match(slug)][:MAX_COMPARED]
        return cleaned

    def filters(self) -> LabFilters:
        """The filters chosen; call after `is_valid()`."""
        return LabFilters(
            faculty=self.cleaned_data.get("faculty") or "",
            domain=self.cleaned_data.get("domain") or "",
            initiator_type=self.cleaned_data.get("initiator_type") or "",
            period=self.period(),
        )

    def compared_slugs(self) -> list[str]:
        """The slugs asked for side by side, in the order given; call after `is_valid()`."""
        return list(self.cleaned_data.get("compare", []))


@dataclass(frozen=True)
class ProjectImpactQuery:
    """A project dashboard's query, parsed; `form` holds the errors when `valid` is false."""

    form: ProjectImpactForm
    valid: bool
    period: Period = field(default_factory=Period)
    granularity: str = Granularity.WEEK


def project_impact_query(query: QueryDict) -> ProjectImpactQuery:
    """Read a project dashboard's query string (an empty one means all time, by week)."""
    form = ProjectImpactForm(query)
    if not form.is_valid():
        return ProjectImpactQuery(form=form, valid=False)
    return ProjectImpactQuery(
        form=form, valid=True, period=form.period(), granularity=form.chosen_granularity()
    )


def figures_query_string(query: QueryDict, *, compare: list[str] | None = None) -> str:
    """The part of a query string that chooses figures (period, granularity, Lab filters,
    compared projects), for the links of chart downloads and the report: nothing else a
    visitor put in the address travels along. `compare` replaces the compared projects asked
    for (with those found)."""
    kept = QueryDict(mutable=True)
    for name in ("start", "end", "granularity", "faculty", "domain", "initiator_type"):
        value = query.get(name, "")
        if value:
            kept[name] = value[:100]
    asked = query.getlist("compare")[:MAX_COMPARED] if compare is None else compare
    compared = [slug for slug in asked if SLUG.match(slug)]
    if compared:
        kept.setlist("compare", compared)
    return kept.urlencode()
