"""The event form: what an organiser fills in to create or edit an event.

Sessions and people are rows of plain fields (`session_<n>_starts`, `person_<n>_name`, ...),
so the form works without JavaScript; there are a few empty rows more than stored ones, and at
most `MAX_SESSIONS` / `MAX_PEOPLE` (more rows sent are refused). Times are entered in the
organiser's own time zone (the active one) and stored in UTC.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cslab.core.actors import Actor, person_or_none
from cslab.events.models import Event
from cslab.events.services.events import (
    MAX_DESCRIPTION,
    MAX_PEOPLE,
    MAX_SESSIONS,
    PersonInput,
    SessionInput,
)
from cslab.events.vocabulary import AttendanceMode, EventKind, EventPersonRole, EventTagKind
from cslab.hub.selectors.resources import resource_list_listed
from cslab.hub.vocabulary import Audience, ResourceLanguage
from cslab.projects import selectors as project_selectors
from cslab.projects.models import Membership
from cslab.projects.vocabulary import Faculty, ResearchDomain

EMPTY_ROWS = 2
ME = "me"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
ROW_PATTERN = re.compile(r"^(session|person)_(\d+)_")


def _datetime_field(label: Any, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class EventForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=600,
        help_text=gettext_lazy("One or two sentences, shown in lists and calendars."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EventKind.choices)
    attendance_mode = forms.ChoiceField(
        label=gettext_lazy("How people attend"),
        choices=AttendanceMode.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("A webinar is always online."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=MAX_DESCRIPTION,
        help_text=gettext_lazy("Markdown: **bold**, *italic*, [links](https://…), lists."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=ResourceLanguage.choices)
    venue_name = forms.CharField(label=gettext_lazy("Venue"), max_length=200, required=False)
    venue_address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=400,
        required=False,
        help_text=gettext_lazy("Needed when people attend in person."),
    )
    latitude = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180
    )
    online_url = forms.URLField(
        label=gettext_lazy("Joining link"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Shown only to people who registered, and in their reminders."),
    )
    online_details = forms.CharField(
        label=gettext_lazy("Joining details (meeting ID, dial-in)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Places"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=gettext_lazy("Leave empty for no limit."),
    )
    registration_closes_at = _datetime_field(gettext_lazy("Registration closes"))
    ask_dietary_needs = forms.BooleanField(
        label=gettext_lazy("Ask for dietary needs"), required=False
    )
    ask_accessibility_needs = forms.BooleanField(
        label=gettext_lazy("Ask for accessibility needs"), required=False
    )
    ask_organisation = forms.BooleanField(
        label=gettext_lazy("Ask for organisation"), required=False
    )
    faculties = forms.MultipleChoiceField(
        label=gettext_lazy("Faculties"),
        choices=Faculty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    domains = forms.MultipleChoiceField(
        label=gettext_lazy("Research domains"),
        choices=ResearchDomain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.MultipleChoiceField(
        label=gettext_lazy("Audience"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    resources = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Material from the knowledge hub"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    projects = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Projects it is about"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    cover_image = forms.FileField(
        label=gettext_lazy("Cover image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    cover_alt_text = forms.CharField(
        label=gettext_lazy("Cover image description (alt text)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Needed with a cover: what the picture shows."),
    )
    remove_cover = forms.BooleanField(label=gettext_lazy("Remove the cover"), required=False)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        user: Actor,
        event: Event | None = None,
        project: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.user = user
        self.event = event
        self.project = project if project is not None else getattr(event, "project", None)
        self.too_many: dict[str, int] = {}
        self.fields["resources"].choices = [  # type: ignore[attr-defined]
            (resource.pk, resource.title)
            for resource in resource_list_listed().only("pk", "title").order_by("title")[:500]
        ]
        self.fields["projects"].choices = [  # type: ignore[attr-defined]
            (project.pk, project.name)
            for project in project_selectors.project_list_visible(user=user)
            .only("pk", "name")
            .order_by("name")[:500]
        ]
        if event is None:
            self.fields.pop("remove_cover")
        else:
            self._set_initial(event)
        stored_sessions = list(event.sessions.all()) if event is not None else []
        stored_people = list(event.people.all()) if event is not None else []
        self.session_count = self._row_count("session", len(stored_sessions), MAX_SESSIONS)
        self.person_count = self._row_count("person", len(stored_people), MAX_PEOPLE)
        who_choices = self._who_choices(stored_people)
        for index in range(self.session_count):
            number = {"number": index + 1}
            self.fields[f"session_{index}_starts"] = _datetime_field(
                _("Session %(number)d starts") % number, required=index == 0
            )
            self.fields[f"session_{index}_ends"] = _datetime_field(
                _("Session %(number)d ends") % number, required=index == 0
            )
            self.fields[f"session_{index}_title"] = forms.CharField(
                label=_("Session %(number)d title (optional)") % number,
                max_length=200,
                required=False,
            )
            if index < len(stored_sessions):
                session = stored_sessions[index]
                self.initial.setdefault(
                    f"session_{index}_starts", timezone.localtime(session.starts_at)
                )
                self.initial.setdefault(
                    f"session_{index}_ends", timezone.localtime(session.ends_at)
                )
                self.initial.setdefault(f"session_{index}_title", session.title)
        for index in range(self.person_count):
            number = {"number": index + 1}
            self.fields[f"person_{index}_name"] = forms.CharField(
                label=_("Person %(number)d: name") % number, max_length=200, required=False
            )
            self.fields[f"person_{index}_role"] = forms.ChoiceField(
                label=_("Person %(number)d: role") % number,
                choices=EventPersonRole.choices,
                required=False,
            )
            self.fields[f"person_{index}_who"] = forms.ChoiceField(
                label=_("Person %(number)d: account") % number,
                choices=who_choices,
                required=False,
            )
            self.fields[f"person_{index}_affiliation"] = forms.CharField(
                label=_("Person %(number)d: affiliation") % number,
                max_length=200,
                required=False,
            )
            if index < len(stored_people):
                person = stored_people[index]
                self.initial.setdefault(f"person_{index}_name", person.name)
                self.initial.setdefault(f"person_{index}_role", person.role)
                self.initial.setdefault(f"person_{index}_affiliation", person.affiliation)
                who = ""
                if person.user_id is not None:
                    who = ME if person.user_id == user.pk else str(person.user_id)
                self.initial.setdefault(f"person_{index}_who", who)
            elif index == 0 and event is None:
                self.initial.setdefault(f"person_{index}_name", str(user))
                self.initial.setdefault(f"person_{index}_role", EventPersonRole.ORGANISER)
                self.initial.setdefault(f"person_{index}_who", ME)

    def _set_initial(self, event: Event) -> None:
        for name in (
            "title",
            "summary",
            "kind",
            "attendance_mode",
            "description",
            "language",
            "venue_name",
            "venue_address",
            "latitude",
            "longitude",
            "online_url",
            "online_details",
            "capacity",
            "ask_dietary_needs",
            "ask_accessibility_needs",
            "ask_organisation",
            "cover_alt_text",
        ):
            self.initial.setdefault(name, getattr(event, name))
        if event.registration_closes_at is not None:
            self.initial.setdefault(
                "registration_closes_at", timezone.localtime(event.registration_closes_at)
            )
        self.initial.setdefault("faculties", event.tags_of(EventTagKind.FACULTY))
        self.initial.setdefault("domains", event.tags_of(EventTagKind.DOMAIN))
        self.initial.setdefault("audience", event.tags_of(EventTagKind.AUDIENCE))
        self.initial.setdefault(
            "resources",
            [
                link.resource_id
                for link in event.resource_links.all()
                if link.relation == "material"
            ],
        )
        self.initial.setdefault("projects", [link.project_id for link in event.project_links.all()])

    def _row_count(self, prefix: str, stored: int, maximum: int) -> int:
        count = min(max(stored + EMPTY_ROWS, 3 if prefix == "person" else 2), maximum)
        if self.is_bound:
            indices = {
                int(match.group(2))
                for key in self.data
                if (match := ROW_PATTERN.match(key)) and match.group(1) == prefix
            }
            sent = (max(indices) + 1) if indices else 0
            if sent > maximum:
                self.too_many[prefix] = maximum
            count = min(max(count, sent), maximum)
        return count

    def _who_choices(self, stored_people: list[Any]) -> list[tuple[str, str]]:
        choices: list[tuple[str, str]] = [("", _("No account (a name only)")), (ME, _("Me"))]
        seen = {self.user.pk}
        for person in stored_people:
            if person.user_id is not None and person.user_id not in seen:
                seen.add(person.user_id)
                choices.append((str(person.user_id), str(person.user or person.name)))
        if self.project is not None:
            for membership in (
                Membership.objects.filter(project=self.project)
                .select_related("user")
                .order_by("user__display_name", "user_id")[:200]
            ):
                if membership.user_id not in seen:
                    seen.add(membership.user_id)
                    choices.append((str(membership.user_id), str(membership.user)))
        return choices

    def session_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return [
            (
                self[f"session_{index}_starts"],
                self[f"session_{index}_ends"],
                self[f"session_{index}_title"],
            )
            for index in range(self.session_count)
        ]

    def person_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return [
            (
                self[f"person_{index}_name"],
                self[f"person_{index}_role"],
                self[f"person_{index}_who"],
                self[f"person_{index}_affiliation"],
            )
            for index in range(self.person_count)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "session" in self.too_many:
            self.add_error(
                None, _("An event has at most %(count)d sessions.") % {"count": MAX_SESSIONS}
            )
        if "person" in self.too_many:
            self.add_error(
                None,
                _("An event lists at most %(count)d organisers and speakers.")
                % {"count": MAX_PEOPLE},
            )
        for index in range(self.session_count):
            starts = cleaned.get(f"session_{index}_starts")
            ends = cleaned.get(f"session_{index}_ends")
            if (starts is None) != (ends is None):
                self.add_error(
                    f"session_{index}_ends", _("Give both when the session starts and ends.")
                )
            elif starts is not None and ends is not None and ends <= starts:
                self.add_error(f"session_{index}_ends", _("A session must end after it starts."))
        return cleaned

    def changes(self) -> dict[str, Any]:
        """Return the service's keyword arguments from the cleaned data."""
        data = self.cleaned_data
        changes: dict[str, Any] = {
            name: data.get(name)
            for name in (
                "title",
                "summary",
                "kind",
                "attendance_mode",
                "description",
                "language",
                "venue_name",
                "venue_address",
                "latitude",
                "longitude",
                "online_url",
                "online_details",
                "capacity",
                "registration_closes_at",
                "ask_dietary_needs",
                "ask_accessibility_needs",
                "ask_organisation",
                "cover_alt_text",
            )
        }
        for name in ("description", "venue_name", "venue_address", "online_url"):
            changes[name] = changes[name] or ""
        changes["online_details"] = changes["online_details"] or ""
        changes["cover_alt_text"] = changes["cover_alt_text"] or ""
        changes["sessions"] = [
            SessionInput(
                starts_at=data[f"session_{index}_starts"],
                ends_at=data[f"session_{index}_ends"],
                title=data.get(f"session_{index}_title") or "",
            )
            for index in range(self.session_count)
            if data.get(f"session_{index}_starts") and data.get(f"session_{index}_ends")
        ]
        people: list[PersonInput] = []
        for index in range(self.person_count):
            name = (data.get(f"person_{index}_name") or "").strip()
            who = data.get(f"person_{index}_who") or ""
            if not name and not who:
                continue
            person = person_or_none(self.user)
            me = person.pk if person is not None else None
            user_id = me if who == ME else (int(who) if who else None)
            people.append(
                PersonInput(
                    name=name or self._account_name(who),
                    role=data.get(f"person_{index}_role") or EventPersonRole.ORGANISER,
                    user_id=user_id,
                    affiliation=data.get(f"person_{index}_affiliation") or "",
                )
            )
        changes["people"] = people
        changes["tags"] = {
            EventTagKind.FACULTY: data.get("faculties") or [],
            EventTagKind.DOMAIN: data.get("domains") or [],
            EventTagKind.AUDIENCE: data.get("audience") or [],
        }
        changes["resources"] = data.get("resources") or []
        changes["projects"] = data.get("projects") or []
        if data.get("cover_image"):
            changes["cover_image"] = data["cover_image"]
        if data.get("remove_cover"):
            changes["remove_cover"] = True
        return changes

    def _account_name(self, who: str) -> str:
        if who == ME:
            return str(self.user)
        label = dict(self.fields["person_0_who"].choices).get(who, "")  # type: ignore[attr-defined]
        return str(label)


def add_service_errors(form: forms.Form, details: Any, message: str) -> None:
    """Show a service's error next to the field it names (else above the form)."""
    if not isinstance(details, dict) or not details:
        form.add_error(None, message)
        return
    aliases = {
        EventTagKind.FACULTY: "faculties",
        EventTagKind.DOMAIN: "domains",
        "sessions": "session_0_starts",
        "people": "person_0_name",
    }
    for name, messages in details.items():
        target = aliases.get(name, name)
        field = target if target in form.fields else None
        for text in messages if isinstance(messages, list) else [messages]:
            form.add_error(field, str(text))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it cancelled?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The people who registered are told, with this reason."),
    )
