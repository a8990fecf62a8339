"""Pages of a project's observations: map, table, one observation, moderation, settings, and
"my contributions".

Thin: read the query or form, call one selector or service, render. What an observation shows
(its location, time and answers) comes only from `selectors.observation_public_view`, so the
geoprivacy rules live in one place. Domain errors become the 404/403/log-in pages through
`core.middleware.DomainErrorMiddleware`; invalid input is shown on the page with a 400.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cslab.classification import selectors as classification_selectors
from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError, NotAuthenticatedError
from cslab.core.redirects import safe_next
from cslab.core.templatetags.cslab_format import day_text, moment_text
from cslab.forms.form_definition import FormDefinition, Question, QuestionKind, Texts
from cslab.forms.form_model import language_code
from cslab.forms.models import Form, FormVersion
from cslab.media import selectors as media_selectors
from cslab.observations import selectors
from cslab.observations.filters import (
    FIELD_PREFIX,
    STATUSES,
    ObservationFilters,
    observation_filters_from_query,
)
from cslab.observations.models import Observation
from cslab.observations.services import collection_settings as settings_services
from cslab.observations.services import moderation
from cslab.participants.selectors import contribution_counts
from cslab.privacy.media_removal_selectors import media_removal_request_count_open
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing
from cslab.questions import selectors as question_selectors

PAGE_SIZE = 50
# Answer kinds a table filter can offer as a list of choices or a free value.
FILTERABLE_KINDS = frozenset(
    {
        QuestionKind.SELECT_ONE,
        QuestionKind.SELECT_MULTIPLE,
        QuestionKind.TEXT,
        QuestionKind.INTEGER,
        QuestionKind.DECIMAL,
    }
)


# --------------------------------------------------------------------------- labels


def _language_code(key: str) -> str:
    """ "Nederlands (nl)" → "nl", "English" → "en", "" → "": the web form's reading."""
    return language_code(key).split("-")[0]


def text_in(texts: Texts, language: str | None, fallback: str) -> str:
    """A text in the language (a code such as "nl"), else the one without a language, else
    English, else any, else `fallback`."""
    wanted = (language or "en").split("-")[0].lower()
    for key, value in texts.items():
        if _language_code(key) == wanted:
            return value
    if "" in texts:
        return texts[""]
    for key, value in texts.items():
        if _language_code(key) == "en":
            return value
    if texts:
        return next(iter(texts.values()))
    return fallback


@dataclass
class AnswerRow:
    """One answered question as the observation page shows it."""

    name: str
    label: str
    value: str
    media_name: str = ""
    kind: str = ""
    items: list[list[AnswerRow]] = field(default_factory=list)


def _choice_labels(definition: FormDefinition, language: str) -> dict[tuple[str, str], str]:
    return {
        (choice.list_name, choice.name): text_in(choice.label, language, choice.name)
        for choices in definition.choices.values()
        for choice in choices
    }


def _moment_text(question: Question, value: Any) -> str | None:
    """A date or date-and-time answer in the site's one format per kind, or None to show the
    value as sent (unreadable, or a date-time coarsened to its day for this viewer)."""
    text = str(value).strip()
    try:
        if question.kind is QuestionKind.DATE or len(text) == len("2026-12-04"):
            day = parse_date(text)
            return day_text(day) if day is not None else None
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment_text(moment)


def _answer_text(question: Question, value: Any, choices: dict[tuple[str, str], str]) -> str:
    if question.kind in (QuestionKind.DATE, QuestionKind.DATETIME):
        shown = _moment_text(question, value)
        if shown is not None:
            return shown
    list_name = question.list_name
    if question.kind is QuestionKind.SELECT_ONE:
        return choices.get((list_name, str(value)), str(value))
    if question.kind is QuestionKind.SELECT_MULTIPLE:
        picked = value.split() if isinstance(value, str) else list(value or [])
        return ", ".join(choices.get((list_name, str(item)), str(item)) for item in picked)
    return str(value)


def answer_rows(
    form: FormDefinition | Mapping[str, Any], answers: Mapping[str, Any], language: str
) -> list[AnswerRow]:
    """The answers in form order with their question labels; location answers left out.

    `form` is a version's definition, or XLSForm rows to read one from."""
    definition = form if isinstance(form, FormDefinition) else FormDefinition.from_source(form)
    choices = _choice_labels(definition, language)
    return _rows_of_level(definition.answered(), answers, choices, language)


def _rows_of_level(
    questions: list[Question],
    answers: Mapping[str, Any],
    choices: dict[tuple[str, str], str],
    language: str,
) -> list[AnswerRow]:
    rows: list[AnswerRow] = []
    for question in questions:
        name = question.name
        value = answers.get(name)
        kind = question.kind
        if value is None or value == "" or value == [] or kind.is_location:
            continue
        label = text_in(question.label, language, name)
        if question.is_repeat:
            items = [
                _rows_of_level(question.answered(), item, choices, language)
                for item in value
                if isinstance(item, Mapping)
            ]
            rows.append(AnswerRow(name=name, label=label, value="", kind="repeat", items=items))
        elif kind.is_media:
            rows.append(
                AnswerRow(
                    name=name, label=label, value=str(value), media_name=str(value), kind=kind
                )
            )
        else:
            rows.append(
                AnswerRow(
                    name=name, label=label, value=_answer_text(question, value, choices), kind=kind
                )
            )
    return rows


def warning_texts(
    warnings: Iterable[Any], definition: FormDefinition | None, language: str
) -> list[str]:
    """The plausibility warnings in words, each naming its question as volunteers saw it
    ("Bees counted: 30.3 is unusually high"), not by its name in the form."""
    labels = (
        {
            question.name: text_in(question.label, language, question.name)
            for question in definition.walk()
            if question.name
        }
        if definition is not None
        else {}
    )
    texts: list[str] = []
    for warning in warnings or []:
        if not isinstance(warning, Mapping):
            texts.append(str(warning))
            continue
        message = str(warning.get("message") or warning.get("code") or "")
        question = warning.get("question")
        label = labels.get(str(question), str(question)) if question else ""
        if warning.get("code") == "numeric_outlier":
            value = message.split(" ", 1)[0]
            text = (
                _("%(value)s is unusually high")
                if " high " in f"{message} "
                else _("%(value)s is unusually low")
            ) % {"value": value}
        else:
            text = _(message)  # the stored messages are the English msgids
        texts.append(
            _("%(question)s: %(warning)s") % {"question": label, "warning": text} if label else text
        )
    return texts


def _definitions_of(observations: Iterable[Observation]) -> dict[int, FormDefinition]:
    """{form version id: its definition} for these observations, in one query."""
    return {
        version.pk: version.form_definition
        for version in FormVersion.objects.filter(
            pk__in={observation.form_version_id for observation in observations}
        ).defer("xform", "source")
    }


# --------------------------------------------------------------------------- filters


@dataclass
class FilterForm:
    """The filter controls of the table and the map, filled from the query string."""

    query: QueryDict
    forms: list[Form]
    answer_fields: list[dict[str, Any]]
    errors: dict[str, list[str]]
    statuses: list[tuple[str, str, bool]]

    def value(self, name: str) -> str:
        return str(self.query.get(name, ""))


def _filters(request: HttpRequest) -> tuple[ObservationFilters, dict[str, list[str]]]:
    """The filters of the query string, or no filters and the problems found."""
    try:
        return observation_filters_from_query(request.GET), {}
    except InvalidInputError as error:
        details = error.details if isinstance(error.details, dict) else {}
        problems = {str(name): [str(text) for text in texts] for name, texts in details.items()}
        return ObservationFilters(), problems or {"": [error.message]}


def _answer_fields(form: Form | None, query: QueryDict, language: str) -> list[dict[str, Any]]:
    """Filter inputs for the questions of the chosen form's latest version."""
    if form is None:
        return []
    version = (
        form.versions.filter(published_at__isnull=False)
        .order_by("-published_at", "-id")
        .defer("xform", "source")  # only the definition is read
        .first()
    )
    if version is None:
        return []
    definition = version.form_definition
    found: list[dict[str, Any]] = []
    for question in definition.answered():
        if question.kind not in FILTERABLE_KINDS:
            continue
        name = question.name
        options = [
            (choice.name, text_in(choice.label, language, choice.name))
            for choice in definition.choices.get(question.list_name, ())
        ]
        found.append(
            {
                "name": f"{FIELD_PREFIX}{name}",
                "id": f"filter-field-{name}",
                "label": text_in(question.label, language, name),
                "options": options if question.kind.is_select else [],
                "value": query.get(f"{FIELD_PREFIX}{name}", ""),
            }
        )
    return found


def _filter_form(
    request: HttpRequest,
    project: Project,
    filters: ObservationFilters,
    errors: dict[str, list[str]],
) -> FilterForm:
    forms = list(selectors.form_list_for_project(user=request.user, project=project))
    chosen = next((form for form in forms if form.form_id == filters.form_id), None)
    return FilterForm(
        query=request.GET,
        forms=forms,
        answer_fields=_answer_fields(chosen, request.GET, get_language() or "en"),
        errors=errors,
        statuses=[
            (value, str(label), value in filters.status)
            for value, label in Observation.Status.choices
            if value in STATUSES
        ],
    )


def _query_without(query: QueryDict, *names: str) -> str:
    """The query string without the named parameters (for pagination links)."""
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()


# --------------------------------------------------------------------------- map and table


@require_GET
def observation_map_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's observations on a map, with the table's filters."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    filters, errors = _filters(request)
    # Asked for the permission's sake: a viewer who may not see the list gets its 404.
    selectors.observation_list_visible(user=request.user, project=project, filters=None)
    return render(
        request,
        "collection/map.html",
        {
            "project": project,
            "filter_form": _filter_form(request, project, filters, errors),
            "layer_query": _query_without(
                request.GET, "bbox", "zoom", "before", "page", "sort", "column"
            ),
            "table_query": _query_without(request.GET, "zoom", "before", "page"),
            "extent": project.geographic_extent,
        },
        status=400 if errors else 200,
    )


def _page_number(query: QueryDict) -> int:
    """The page asked for (1 for anything that is not a small positive number)."""
    text = str(query.get("page", ""))
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if text.isascii() and text.isdigit() and 0 < len(text) <= 6:
        return max(int(text), 1)
    return 1


def _page_of(observations: Any, page: int) -> tuple[list[Observation], bool]:
    """One page of the ordered observations, and whether another page follows."""
    start = (page - 1) * PAGE_SIZE
    rows = list(observations[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _with_query(query: QueryDict, **values: Any) -> str:
    """The query string with some parameters replaced (None leaves one out)."""
    copy = query.copy()
    for name, value in values.items():
        copy.pop(name, None)
        if value is not None:
            copy[name] = str(value)
    return copy.urlencode()


def _is_day_only(moment: Any) -> bool:
    """True when geoprivacy coarsened the time to a day (a date, not a datetime)."""
    return isinstance(moment, date) and not isinstance(moment, datetime)


@dataclass
class TableRow:
    observation: Observation
    view: dict[str, Any]
    url: str
    cells: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)  # thumbnail URLs

    @property
    def day_only(self) -> bool:
        return _is_day_only(self.view.get("observed_at"))


@dataclass
class AnswerColumn:
    """A question of the chosen form that the table can show as a column."""

    question: Question
    label: str
    shown: bool


# Kinds whose answers read well in a table cell (files have the photo column; places the map).
COLUMN_KINDS = FILTERABLE_KINDS | {
    QuestionKind.DATE,
    QuestionKind.DATETIME,
    QuestionKind.RANGE,
    QuestionKind.RANK,
    QuestionKind.CALCULATE,
}
DEFAULT_COLUMNS = 3
MAX_COLUMNS = 12


def _latest_definition(form: Form | None) -> FormDefinition | None:
    if form is None:
        return None
    version = (
        form.versions.filter(published_at__isnull=False)
        .order_by("-published_at", "-id")
        .defer("xform", "source")  # only the definition is read
        .first()
    )
    return None if version is None else version.form_definition


def _answer_columns(
    definition: FormDefinition | None, chosen: list[str], language: str
) -> list[AnswerColumn]:
    """The questions that can be columns, those in `chosen` (or the first few) marked shown."""
    if definition is None:
        return []
    questions = [
        question
        for question in definition.answered()
        if not question.is_repeat and question.kind in COLUMN_KINDS
    ]
    names = {question.name for question in questions}
    wanted = [name for name in chosen if name in names][:MAX_COLUMNS]
    if not wanted:
        wanted = [question.name for question in questions[:DEFAULT_COLUMNS]]
    return [
        AnswerColumn(
            question=question,
            label=text_in(question.label, language, question.name),
            shown=question.name in wanted,
        )
        for question in questions
    ]


def _table_rows(
    request: HttpRequest,
    observations: Iterable[Observation],
    *,
    columns: list[AnswerColumn] | None = None,
    definition: FormDefinition | None = None,
) -> list[TableRow]:
    """Each observation with what the viewer may see of it, its page's address, the answers
    of the shown columns and its photos' thumbnails (both as `observation_public_view` shows
    them: nothing hidden from the viewer comes through)."""
    observations = list(observations)
    views = selectors.observation_public_views(request.user, observations)
    photos = selectors.observation_photos(user=request.user, observations=observations, views=views)
    shown = [column.question for column in columns or [] if column.shown]
    choices = _choice_labels(definition, get_language() or "en") if definition else {}
    rows = []
    for observation, view in zip(observations, views, strict=True):
        answers = view["answers"] or {}
        rows.append(
            TableRow(
                observation=observation,
                view=view,
                url=reverse(
                    "observation_detail",
                    kwargs={"slug": observation.project.slug, "observation_id": observation.pk},
                ),
                cells=[
                    _answer_text(question, answers[question.name], choices)
                    if answers.get(question.name) not in (None, "", [])
                    else ""
                    for question in shown
                ],
                photos=[
                    _media_url(observation, name, thumbnail=True)
                    for name in photos.get(observation.pk, [])
                ],
            )
        )
    return rows


@dataclass
class SortLink:
    """A column heading that sorts the table: its address and how it is sorted now."""

    label: str
    url: str
    state: str  # "ascending", "descending" or "" (the value of aria-sort)


def _sort_links(query: QueryDict, sort: str) -> dict[str, SortLink]:
    """The sortable headings; following one sorts by it, or reverses the order it is in."""
    headings = {
        "number": (_("Observation"), "-number"),
        "form": (_("Form"), "form"),
        "observed": (_("Observed"), "-observed"),
        "status": (_("Status"), "status"),
    }
    links = {}
    for key, (label, first) in headings.items():
        state, following = "", first
        if sort.lstrip("-") == key:
            # Forms and statuses sort one way (A to Z); numbers and times either way.
            state = "descending" if sort.startswith("-") else "ascending"
            if key in ("number", "observed"):
                following = key if sort.startswith("-") else f"-{key}"
        links[key] = SortLink(
            label=str(label), url=f"?{_with_query(query, sort=following, page=None)}", state=state
        )
    return links


def _sort_of(query: QueryDict) -> str:
    sort = str(query.get("sort", ""))
    return sort if sort in selectors.OBSERVATION_SORTS else selectors.DEFAULT_OBSERVATION_SORT


@require_GET
def observation_table_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's observations as a filterable, sortable table with answer columns and
    photos (htmx updates it in place)."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    filters, errors = _filters(request)
    sort = _sort_of(request.GET)
    observations = selectors.observation_order(
        selectors.observation_list_visible(user=request.user, project=project, filters=filters),
        user=request.user,
        project=project,
        sort=sort,
    )
    page_number = _page_number(request.GET)
    page, has_next = _page_of(observations, page_number)
    filter_form = _filter_form(request, project, filters, errors)
    # The answer columns are those of the chosen form, or of the only form there is.
    forms = filter_form.forms
    form = next((item for item in forms if item.form_id == filters.form_id), None)
    if form is None and len(forms) == 1:
        form = forms[0]
    definition = _latest_definition(form)
    language = get_language() or "en"
    columns = _answer_columns(definition, request.GET.getlist("column"), language)
    rows = _table_rows(request, page, columns=columns, definition=definition)
    context = {
        "project": project,
        "filter_form": filter_form,
        "rows": rows,
        "columns": columns,
        "shown_columns": [column for column in columns if column.shown],
        "column_form": form,
        "has_photos": any(row.photos for row in rows),
        "sort": sort,
        "sort_links": _sort_links(request.GET, sort),
        "next_query": _with_query(request.GET, page=page_number + 1) if has_next else "",
        "previous_query": (
            _with_query(request.GET, page=page_number - 1 if page_number > 2 else None)
            if page_number > 1
            else ""
        ),
        "page_number": page_number,
        "first_query": _query_without(request.GET, "page"),
        "is_first_page": page_number == 1,
        "filtered": not filters.is_empty(),
        "can_moderate": permissions.has_permission(request.user, "observation.moderate", project),
        "can_configure": permissions.has_permission(request.user, "collection.configure", project),
    }
    template = (
        "collection/observation_table_region.html"
        if request.headers.get("HX-Request") == "true"
        else "collection/observation_table.html"
    )
    return render(request, template, context, status=400 if errors else 200)


GALLERY_PAGE_SIZE = 48


@require_GET
def observation_gallery_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's observations that have photos, as a grid of photos, newest first; the
    table's filters (in the address) apply."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    filters, errors = _filters(request)
    observations = selectors.observation_order(
        selectors.observation_list_with_photos(user=request.user, project=project, filters=filters),
        user=request.user,
        project=project,
        sort=_sort_of(request.GET),
    )
    page_number = _page_number(request.GET)
    start = (page_number - 1) * GALLERY_PAGE_SIZE
    found = list(observations[start : start + GALLERY_PAGE_SIZE + 1])
    rows = [row for row in _table_rows(request, found[:GALLERY_PAGE_SIZE]) if row.photos]
    query = _query_without(request.GET, "page")
    return render(
        request,
        "collection/observation_gallery.html",
        {
            "project": project,
            "rows": rows,
            "errors": errors,
            "table_query": query,
            "next_query": (
                _with_query(request.GET, page=page_number + 1)
                if len(found) > GALLERY_PAGE_SIZE
                else ""
            ),
            "previous_query": (
                _with_query(request.GET, page=page_number - 1 if page_number > 2 else None)
                if page_number > 1
                else ""
            ),
        },
        status=400 if errors else 200,
    )


# --------------------------------------------------------------------------- one observation


def _media_url(observation: Observation, name: str, *, thumbnail: bool = False) -> str:
    size = media_selectors.THUMBNAIL if thumbnail else media_selectors.PUBLIC
    return media_selectors.media_url_by_name(observation_id=observation.pk, name=name, size=size)


@require_GET
def observation_detail_page(request: HttpRequest, slug: str, observation_id: int) -> HttpResponse:
    """One observation: answers, media, location, status; flagging and moderation."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    observation = selectors.observation_get_for_viewing(
        user=request.user, project=project, observation_id=observation_id
    )
    view = selectors.observation_public_view(request.user, observation)
    definition = observation.form_version.form_definition
    language = get_language() or "en"
    rows = answer_rows(definition, view["answers"] or {}, language)
    files = media_selectors.media_by_shown_name(user=request.user, observation=observation)
    may_remove = permissions.has_permission(request.user, "media.remove", observation)
    media: list[dict[str, Any]] = [
        {
            "row": row,
            "url": _media_url(observation, row.media_name),
            "thumbnail": _media_url(observation, row.media_name, thumbnail=True),
            "media": files.get(row.media_name),
            # Removed on request (issue 14): the answer stays, the file is gone.
            "removed": row.media_name in files and files[row.media_name].removed_at is not None,
            "may_remove": may_remove,
        }
        for row in rows
        if row.media_name
    ]
    for row in rows:
        if row.media_name in files and files[row.media_name].removed_at is not None:
            # The answer says so instead of pointing at a photo that is no longer there.
            row.value = _("Removed on request.")
            row.media_name = ""
    is_team = permissions.has_permission(request.user, "observation.view_all", project)
    is_observer = bool(request.user.is_authenticated and observation.observer_id == request.user.pk)
    return render(
        request,
        "collection/observation_detail.html",
        {
            "project": project,
            "observation": observation,
            "view": view,
            "observed_day_only": _is_day_only(view.get("observed_at")),
            "warnings": warning_texts(view["warnings"], definition, language),
            "answers": rows,
            "media": media,
            "history": selectors.observation_history(user=request.user, observation=observation),
            "moderation_events": (
                list(
                    selectors.observation_moderation_events(
                        user=request.user, observation=observation
                    )
                )
                if is_team or is_observer
                else []
            ),
            "can_moderate": permissions.has_permission(
                request.user, "observation.moderate", project
            ),
            "statuses": Observation.Status.choices,
        },
    )


@require_POST
def observation_flag_page(request: HttpRequest, slug: str, observation_id: int) -> HttpResponse:
    """Flag an observation as looking wrong, with a reason."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    observation = selectors.observation_get_for_viewing(
        user=request.user, project=project, observation_id=observation_id
    )
    detail = reverse(
        "observation_detail", kwargs={"slug": project.slug, "observation_id": observation.pk}
    )
    try:
        moderation.observation_flag(
            actor=request.user, observation=observation, reason=request.POST.get("reason", "")
        )
    except (InvalidInputError, ConflictError) as error:  # no reason; flagged already
        messages.error(request, error.message)
        return redirect(detail)
    messages.success(request, _("Thank you: the project's moderators will look at it."))
    return redirect(detail)


@require_POST
def observation_moderate_page(request: HttpRequest, slug: str, observation_id: int) -> HttpResponse:
    """Set an observation's moderation status (accepted, flagged, rejected) with a reason."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    observation = selectors.observation_get_for_viewing(
        user=request.user, project=project, observation_id=observation_id
    )
    detail = reverse(
        "observation_detail", kwargs={"slug": project.slug, "observation_id": observation.pk}
    )
    try:
        moderation.observation_moderate(
            actor=request.user,
            observation=observation,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
    except InvalidInputError as error:
        messages.error(request, error.message)
        return redirect(safe_next(request, detail))
    messages.success(
        request,
        _("Observation %(number)s is now %(status)s.")
        % {"number": observation.pk, "status": observation.get_status_display().lower()},
    )
    return redirect(safe_next(request, detail))


# --------------------------------------------------------------------------- moderation


@require_GET
def moderation_queue_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The observations waiting for a moderator (flagged first, then those with the most
    warnings, then the oldest), each with its answers, photos and warnings in words, to be
    handled one by one or several at once."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    observations = selectors.observation_list_for_moderation(user=request.user, project=project)
    page = list(observations[: PAGE_SIZE + 1])
    more, page = len(page) > PAGE_SIZE, page[:PAGE_SIZE]
    rows = _table_rows(request, page)
    definitions = _definitions_of(page)
    language = get_language() or "en"
    items = []
    for row in rows:
        definition = definitions.get(row.observation.form_version_id)
        items.append(
            {
                "row": row,
                "answers": [
                    answer
                    for answer in (
                        answer_rows(definition, row.view["answers"] or {}, language)
                        if definition
                        else []
                    )
                    if not answer.media_name
                ],
                "warnings": warning_texts(row.view["warnings"], definition, language),
            }
        )
    return render(
        request,
        "collection/moderation_queue.html",
        {
            "project": project,
            "items": items,
            "more": more,
            "statuses": Observation.Status.choices,
            # issue 14 (media removal): the link to the queue of photo removal requests.
            "media_removal_count": media_removal_request_count_open(
                user=request.user, project=project
            ),
        },
    )


@require_POST
def moderation_bulk_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Approve, hide or flag the selected observations of the queue at once."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    queue = reverse("moderation_queue", kwargs={"slug": project.slug})
    try:
        result = moderation.observation_moderate_bulk(
            actor=request.user,
            project=project,
            observation_ids=request.POST.getlist("observation"),
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
        )
    except InvalidInputError as error:
        messages.error(request, error.message)
        return redirect(queue)
    if result.changed:
        status = Observation.Status(request.POST["status"]).label.lower()
        messages.success(
            request,
            ngettext(
                "%(count)s observation is now %(status)s.",
                "%(count)s observations are now %(status)s.",
                len(result.changed),
            )
            % {"count": len(result.changed), "status": status},
        )
    if result.refused:
        messages.warning(
            request,
            _(
                "Not changed: %(numbers)s. They are not observations in this project's queue "
                "that you may moderate."
            )
            % {"numbers": ", ".join(value[:20] for value in result.refused[:20])},
        )
    return redirect(queue)


# --------------------------------------------------------------------------- settings


def _settings_context(project: Project, request: HttpRequest) -> dict[str, Any]:
    permissions.require(request.user, "collection.configure", project)
    return {
        "project": project,
        "settings": settings_services.collection_settings_get(user=request.user, project=project),
        "categories": settings_services.sensitive_category_list(user=request.user, project=project),
        "geoprivacy_choices": Observation.Geoprivacy.choices,
        "questions": _question_choices(request, project),
    }


def _question_choices(request: HttpRequest, project: Project) -> list[tuple[str, str]]:
    """(name, label) of every answerable question of the project's forms' latest versions."""
    language = get_language() or "en"
    found: dict[str, str] = {}
    forms = list(selectors.form_list_for_project(user=request.user, project=project))
    latest: dict[int, FormVersion] = {}  # one query for all forms; the latest version wins
    for version in (
        FormVersion.objects.filter(form__in=forms, published_at__isnull=False)
        .order_by("published_at", "id")
        .defer("xform", "source")  # only the definition is read
    ):
        latest[version.form_id] = version
    for version in (latest[form.pk] for form in forms if form.pk in latest):
        for question in version.form_definition.answered():
            if not question.kind.is_location:
                name = question.name
                found.setdefault(name, f"{text_in(question.label, language, name)} ({name})")
    return sorted(found.items(), key=lambda item: item[1].lower())


@require_http_methods(["GET", "POST"])
def collection_settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's collection settings, for its leads: default geoprivacy, review, and
    sensitive categories."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    permissions.require(request.user, "collection.configure", project)
    if request.method == "POST":
        try:
            settings_services.collection_settings_update(
                actor=request.user,
                project=project,
                default_geoprivacy=request.POST.get("default_geoprivacy", ""),
                accept_without_review=request.POST.get("accept_without_review") == "on",
            )
        except InvalidInputError as error:
            context = _settings_context(project, request)
            context["error"] = error
            return render(request, "collection/collection_settings.html", context, status=400)
        messages.success(request, _("The collection settings were saved."))
        return redirect("collection_settings", slug=project.slug)
    return render(
        request, "collection/collection_settings.html", _settings_context(project, request)
    )


def _values_of(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


@require_POST
def sensitive_category_set_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark a question's answers (or any answer to it) as sensitive: it forces obscuring."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    try:
        settings_services.sensitive_category_set(
            actor=request.user,
            project=project,
            question=request.POST.get("question", "").strip(),
            values=_values_of(request.POST.get("values", "")),
            label=request.POST.get("label", "").strip(),
        )
    except InvalidInputError as error:
        context = _settings_context(project, request)
        context["category_error"] = error
        return render(request, "collection/collection_settings.html", context, status=400)
    messages.success(request, _("The sensitive category was saved."))
    return redirect("collection_settings", slug=project.slug)


@require_POST
def sensitive_category_remove_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Stop treating a question's answers as sensitive."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    settings_services.sensitive_category_remove(
        actor=request.user, project=project, question=request.POST.get("question", "").strip()
    )
    messages.success(request, _("The sensitive category was removed."))
    return redirect("collection_settings", slug=project.slug)


# --------------------------------------------------------------------------- mine


MINE_PAGE_SIZE = 20
MINE_RECENT = 10
MINE_ANSWERS = 4


def _my_observation_cards(request: HttpRequest, page: list[Observation]) -> list[dict[str, Any]]:
    """Each of the person's observations with its photos and its first few answers, labelled
    as the form asked them; the definitions of all their versions in one query."""
    rows = _table_rows(request, page)
    definitions = _definitions_of(page)
    language = get_language() or "en"
    cards = []
    for row in rows:
        definition = definitions.get(row.observation.form_version_id)
        answers = answer_rows(definition, row.view["answers"] or {}, language) if definition else []
        shown = [answer for answer in answers if not answer.media_name and answer.kind != "repeat"]
        cards.append({"row": row, "answers": shown[:MINE_ANSWERS]})
    return cards


@require_GET
def my_contributions_page(request: HttpRequest) -> HttpResponse:
    """What the signed-in person gave to the Lab, with counts: their observations (photos and
    answers), classifications, research questions and comments."""
    if not request.user.is_authenticated:
        raise NotAuthenticatedError()
    user = request.user
    observations = selectors.observation_list_mine(user=user)
    page_number = _page_number(request.GET)
    start = (page_number - 1) * MINE_PAGE_SIZE
    found = list(
        observations.order_by(F("observed_at").desc(nulls_last=True), "-id")[
            start : start + MINE_PAGE_SIZE + 1
        ]
    )
    counts = dict.fromkeys(Observation.Status.values, 0)
    counts.update(observations.order_by().values_list("status").annotate(number=Count("*")))
    classifications = classification_selectors.classification_list_mine(user=user)
    per_workflow = list(
        classifications.order_by()
        .values("workflow__name", "workflow__slug", "workflow__project__slug")
        .annotate(number=Count("*"))
        .order_by("-number", "workflow__name")
    )
    questions = question_selectors.question_list_for_person(user=user)
    question_comments = question_selectors.comment_list_mine(user=user)
    subject_comments = classification_selectors.subject_comment_list_mine(user=user)
    # The one computation of a person's contribution figures, so every page agrees.
    figures = contribution_counts(user=user)
    return render(
        request,
        "collection/my_contributions.html",
        {
            "figures": figures,
            "cards": _my_observation_cards(request, found[:MINE_PAGE_SIZE]),
            "counts": [(label, counts[value]) for value, label in Observation.Status.choices],
            "per_workflow": per_workflow,
            "recent_classifications": list(classifications[:MINE_RECENT]),
            "questions": questions,
            "question_comments": list(question_comments[:MINE_RECENT]),
            "subject_comments": list(subject_comments[:MINE_RECENT]),
            "next_query": (
                _with_query(request.GET, page=page_number + 1)
                if len(found) > MINE_PAGE_SIZE
                else ""
            ),
            "previous_query": (
                _with_query(request.GET, page=page_number - 1 if page_number > 2 else None)
                if page_number > 1
                else ""
            ),
            "is_first_page": page_number == 1,
        },
    )


urlpatterns = [
    path("projects/<slug:slug>/observations/", observation_table_page, name="observation_table"),
    path("projects/<slug:slug>/observations/map/", observation_map_page, name="observation_map"),
    path(
        "projects/<slug:slug>/observations/photos/",
        observation_gallery_page,
        name="observation_gallery",
    ),
    path(
        "projects/<slug:slug>/observations/<int:observation_id>/",
        observation_detail_page,
        name="observation_detail",
    ),
    path(
        "projects/<slug:slug>/observations/<int:observation_id>/flag/",
        observation_flag_page,
        name="observation_flag",
    ),
    path(
        "projects/<slug:slug>/observations/<int:observation_id>/moderate/",
        observation_moderate_page,
        name="observation_moderate",
    ),
    path("projects/<slug:slug>/moderation/", moderation_queue_page, name="moderation_queue"),
    path("projects/<slug:slug>/moderation/bulk/", moderation_bulk_page, name="moderation_bulk"),
    path(
        "projects/<slug:slug>/collection-settings/",
        collection_settings_page,
        name="collection_settings",
    ),
    path(
        "projects/<slug:slug>/collection-settings/sensitive/",
        sensitive_category_set_page,
        name="sensitive_category_set",
    ),
    path(
        "projects/<slug:slug>/collection-settings/sensitive/remove/",
        sensitive_category_remove_page,
        name="sensitive_category_remove",
    ),
    path("accounts/me/observations/", my_contributions_page, name="my_contributions"),
]
