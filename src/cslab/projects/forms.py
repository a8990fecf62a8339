"""Forms of the project pages: they validate input only; the services save it.

Plain `Form`s rather than `ModelForm`s, so the project is unchanged until the service sees
what changed (and can flag significant edits after approval).
"""

import json
from datetime import timedelta
from typing import Any

from django import forms
from django.conf.locale import LANG_INFO
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError
from cslab.projects.models import Organisation, Project
from cslab.projects.services.projects import project_image_checked
from cslab.projects.vocabulary import (
    SUSTAINABLE_DEVELOPMENT_GOALS,
    DataLicence,
    Difficulty,
    Faculty,
    InitiatorType,
    ParticipationTask,
    ResearchDomain,
    TagKind,
)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Bounds of the data-protection settings (issue 14): the retention period and the embargo.
MINIMUM_RETENTION_DAYS = 30
MAXIMUM_RETENTION_DAYS = 3650
EMBARGO_MAXIMUM_DAYS = 5 * 365 + 1
MAX_AREA_BYTES = 1024 * 1024

# Languages often spoken by participants that Django's own list (LANG_INFO) lacks.
_EXTRA_LANGUAGES = {
    "am": _("Amharic"),
    "ku": _("Kurdish"),
    "ps": _("Pashto"),
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "zh": _("Chinese"),
}


def language_name(code: str) -> str:
    """Return the name of an ISO 639-1 language in the active language (the code if unknown)."""
    if code in _EXTRA_LANGUAGES:
        return str(_EXTRA_LANGUAGES[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def language_choices() -> list[tuple[str, str]]:
    codes = {code for code, info in LANG_INFO.items() if len(code) == 2 and "name" in info}
    codes |= set(_EXTRA_LANGUAGES)
    return sorted(((code, language_name(code)) for code in codes), key=lambda pair: pair[1])


def sdg_label(number: str) -> str:
    """Return "13. Climate action" for "13" (the value itself if it is not a goal number)."""
    goal = SUSTAINABLE_DEVELOPMENT_GOALS.get(number)
    return f"{number}. {_(goal)}" if goal else number


def tag_label(kind: str, value: str) -> str:
    """Return the words to show for one tag value."""
    vocabularies: dict[str, Any] = {
        TagKind.DOMAIN: ResearchDomain,
        TagKind.PARTICIPATION_TASK: ParticipationTask,
    }
    if kind in vocabularies and value in vocabularies[kind].values:
        return str(vocabularies[kind](value).label)
    if kind == TagKind.SDG:
        return sdg_label(value)
    if kind == TagKind.COUNTRY:
        return str(countries.name(value) or value)
    if kind == TagKind.LANGUAGE:
        return language_name(value)
    return value


def organisations_for(
    user: Actor, *, current: Organisation | None = None
) -> QuerySet[Organisation]:
    """Return the organisations a person may attach a project to: their own (and the current)."""
    condition = Q(members__user_id=user.pk)
    if current is not None:
        condition |= Q(pk=current.pk)
    return Organisation.objects.filter(condition).distinct().order_by("name")


def _with_current(choices: list[tuple[str, str]], current: list[str]) -> list[tuple[str, str]]:
    """Keep values outside the vocabulary (e.g. imported ones) choosable, so saving keeps them."""
    known = {value for value, _label in choices}
    return choices + [(value, value) for value in current if value not in known]


class ProjectCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    initiator_type = forms.ChoiceField(
        label=_("Who starts the project?"),
        choices=InitiatorType.choices,
        widget=forms.RadioSelect,
        initial=InitiatorType.RESEARCHER_LED,
        help_text=_("A community-led project can ask the Lab for a researcher as mentor."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None (a personal project)"),
        help_text=_("Only organisations you belong to are listed."),
    )
    status = forms.ChoiceField(
        label=_("Stage"),
        choices=[
            (Project.Status.IDEA, _("An idea: we are still shaping it")),
            (Project.Status.INCUBATING, _("Incubating: we are preparing it for review")),
        ],
        widget=forms.RadioSelect,
        initial=Project.Status.IDEA,
    )
    aim = forms.CharField(
        label=_("Aim"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In one or two sentences: what does the project want to find out or change?"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_for(user)  # type: ignore[attr-defined]


class ProjectEditForm(forms.Form):
    """Every public profile field, the tags and the area of a project.

    The area comes from a .geojson upload if one is given, else from the GeoJSON text (which
    the map editor fills in); an empty text removes the area.
    """

    name = forms.CharField(label=_("Name"), max_length=200)
    aim = forms.CharField(label=_("Aim"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    how_to_take_part = forms.CharField(
        label=_("How to take part"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    initiator_type = forms.ChoiceField(
        label=_("Who started the project?"),
        choices=InitiatorType.choices,
        widget=forms.RadioSelect,
        help_text=_("A community-led project can ask the Lab for a researcher as mentor."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None (a personal project)"),
    )
    participation_tasks = forms.MultipleChoiceField(
        label=_("What participants do"), required=False, widget=forms.CheckboxSelectMultiple
    )
    domains = forms.MultipleChoiceField(
        label=_("Research domains"), required=False, widget=forms.CheckboxSelectMultiple
    )
    faculty = forms.ChoiceField(
        label=_("Faculty"), required=False, choices=[("", "—"), *Faculty.choices]
    )
    department = forms.CharField(label=_("Department"), max_length=200, required=False)
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=2000,
        help_text=_("Separate keywords with commas."),
    )
    sdgs = forms.MultipleChoiceField(
        label=_("UN Sustainable Development Goals"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages participants can take part in"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    locality = forms.CharField(
        label=_("Place name"),
        max_length=200,
        required=False,
        help_text=_("E.g. “Leiden and surroundings”; shown where a map cannot be."),
    )
    geographic_extent = forms.CharField(
        label=_("The area as GeoJSON text"),
        required=False,
        max_length=MAX_AREA_BYTES,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "For people who have the area in a mapping program: a GeoJSON Polygon, "
            "MultiPolygon, Point, Feature or FeatureCollection, longitude before latitude. "
            "Drawing on the map fills this in; empty means no area."
        ),
    )
    area_file = forms.FileField(
        label=_("Or upload a .geojson file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    time_commitment = forms.CharField(
        label=_("Time commitment"),
        max_length=200,
        required=False,
        help_text=_("E.g. “15 minutes a week for three months”."),
    )
    difficulty = forms.ChoiceField(
        label=_("Difficulty"), required=False, choices=[("", "—"), *Difficulty.choices]
    )
    equipment = forms.CharField(label=_("Equipment needed"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    funding = forms.CharField(label=_("Funding"), max_length=300, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    image = forms.ImageField(
        label=_("Image"),
        required=False,
        help_text=_("A JPEG, PNG or WebP picture of at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    image_alt_text = forms.CharField(
        label=_("Image description (alt text)"),
        max_length=300,
        required=False,
        help_text=_("Required with an image: say what it shows for people who cannot see it."),
    )
    image_credit = forms.CharField(label=_("Image credit"), max_length=200, required=False)
    visibility = forms.ChoiceField(
        label=_("Who can see the project"),
        choices=Project.Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Until Lab staff approve the project, only your team and Lab staff see it, "
            "whatever you choose here."
        ),
    )
    membership_policy = forms.ChoiceField(
        label=_("Who can join the team"),
        choices=Project.MembershipPolicy.choices,
        widget=forms.RadioSelect,
    )
    data_licence = forms.ChoiceField(
        label=_("How others may reuse the data (licence)"),
        choices=[
            (DataLicence.CC0, _("CC0 1.0: anyone may reuse the data for anything")),
            (DataLicence.CC_BY, _("CC BY 4.0: anyone may reuse the data, naming the project")),
            (
                DataLicence.CC_BY_NC,
                _("CC BY-NC 4.0: reuse naming the project, and not to make money"),
            ),
        ],
        widget=forms.RadioSelect,
    )
    data_embargo_until = forms.DateField(
        label=_("Keep the data from the public until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Optional, at most five years ahead. Until this day only the team sees the "
            "project's observations and results; public pages, the API and exports say the "
            "data are under embargo."
        ),
    )
    personal_data_retention_days = forms.IntegerField(
        label=_("Keep raw personal data for (days)"),
        required=False,
        min_value=MINIMUM_RETENTION_DAYS,
        max_value=MAXIMUM_RETENTION_DAYS,
        help_text=_(
            "Optional, 30 to 3650 days. After this period a daily job removes the exact "
            "locations of obscured and private observations (the public location stays) and "
            "what attendees of the project's events told the organisers. Empty: kept while "
            "the project runs."
        ),
    )

    # Fields passed to `project_update` as they are.
    PROFILE_FIELDS = (
        "name",
        "aim",
        "description",
        "how_to_take_part",
        "initiator_type",
        "organisation",
        "faculty",
        "department",
        "locality",
        "start_date",
        "end_date",
        "time_commitment",
        "difficulty",
        "equipment",
        "contact_name",
        "contact_email",
        "funding",
        "website",
        "image_alt_text",
        "image_credit",
        "visibility",
        "membership_policy",
        "data_licence",
        "data_embargo_until",
        "personal_data_retention_days",
    )
    TAG_FIELDS = {
        "domains": TagKind.DOMAIN,
        "participation_tasks": TagKind.PARTICIPATION_TASK,
        "sdgs": TagKind.SDG,
        "countries": TagKind.COUNTRY,
        "languages": TagKind.LANGUAGE,
    }

    def __init__(self, *args: Any, user: Actor, project: Project, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for(project))
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["organisation"].queryset = organisations_for(  # type: ignore[attr-defined]
            user, current=project.organisation
        )
        initial = self.initial
        vocabularies: dict[str, list[tuple[str, str]]] = {
            "domains": [(value, str(label)) for value, label in ResearchDomain.choices],
            "participation_tasks": [
                (value, str(label)) for value, label in ParticipationTask.choices
            ],
            "sdgs": [(number, sdg_label(number)) for number in SUSTAINABLE_DEVELOPMENT_GOALS],
            "countries": [(code, str(name)) for code, name in countries],
            "languages": language_choices(),
        }
        for name, choices in vocabularies.items():
            field = self.fields[name]
            field.choices = _with_current(choices, list(initial.get(name) or []))  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, project: Project) -> dict[str, Any]:
        """Return the form's initial values: the project's fields, tags and area."""
        initial: dict[str, Any] = {name: getattr(project, name) for name in cls.PROFILE_FIELDS}
        for name, kind in cls.TAG_FIELDS.items():
            initial[name] = project.tags_of(kind)
        initial["keywords"] = ", ".join(project.tags_of(TagKind.KEYWORD))
        if project.geographic_extent:
            initial["geographic_extent"] = json.dumps(project.geographic_extent)
        return initial

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile) and (image.size or 0) > MAX_IMAGE_BYTES:
            raise forms.ValidationError(_("The image is larger than 5 MB."))
        if isinstance(image, UploadedFile):
            try:
                return project_image_checked(image)
            except InvalidInputError as error:
                raise forms.ValidationError(error.message) from error
        return image

    def clean_area_file(self) -> Any:
        upload = self.cleaned_data.get("area_file")
        if upload is None:
            return None
        if (upload.size or 0) > MAX_AREA_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return _parse_geojson(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None

    def clean_geographic_extent(self) -> Any:
        text = self.cleaned_data.get("geographic_extent", "").strip()
        return _parse_geojson(text) if text else None

    def clean_data_embargo_until(self) -> Any:
        day = self.cleaned_data.get("data_embargo_until")
        if day is not None and day > timezone.localdate() + timedelta(days=EMBARGO_MAXIMUM_DAYS):
            raise forms.ValidationError(_("An embargo can last at most five years."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        has_image = bool(cleaned.get("image")) or (
            bool(self.project.image) and not cleaned.get("remove_image")
        )
        if has_image and not cleaned.get("image_alt_text", "").strip():
            self.add_error("image_alt_text", _("Describe the image for people who cannot see it."))
        return cleaned

    def changes(self) -> dict[str, Any]:
        """Return the keyword arguments for `project_update` (valid forms only).

        The area and the image are passed only when they change, so saving an untouched form
        changes nothing.
        """
        data = self.cleaned_data
        changes: dict[str, Any] = {name: data[name] for name in self.PROFILE_FIELDS}
        tags = {kind: data[name] for name, kind in self.TAG_FIELDS.items()}
        tags[TagKind.KEYWORD] = [word.strip() for word in data["keywords"].split(",")]
        changes["tags"] = tags
        area = data["area_file"] if data.get("area_file") is not None else data["geographic_extent"]
        if area != (self.project.geographic_extent or None):
            changes["geographic_extent"] = area
        if data.get("image"):
            changes["image"] = data["image"]
        elif data.get("remove_image") and self.project.image:
            changes["image"] = ""
        return changes


def _parse_geojson(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise forms.ValidationError(
            _("This is not valid JSON: %(error)s"), params={"error": error}
        ) from None


class ChecklistForm(forms.Form):
    """The incubation checklist: what Lab staff need to see before they review a project."""

    research_questions = forms.CharField(
        label=_("Research question(s)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    protocol = forms.CharField(
        label=_("Protocol"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How data are gathered and analysed, step by step."),
    )
    data_management_plan = forms.CharField(
        label=_("Data-management plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What data are kept, where, for how long, who may use them, and how."),
    )
    ethics_approval_reference = forms.CharField(
        label=_("Ethics approval reference"),
        max_length=200,
        required=False,
        help_text=_("If an ethics committee approved the project: the number it gave."),
    )
    ethics_not_needed_reason = forms.CharField(
        label=_("Or: why no ethics approval is needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_text = forms.CharField(
        label=_("Consent text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What participants read and agree to before they take part."),
    )
    recruitment_plan = forms.CharField(
        label=_("Participant recruitment plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How people will hear about the project: a newsletter, a school, a club…"),
    )

    @classmethod
    def initial_for(cls, project: Project) -> dict[str, Any]:
        return {name: getattr(project, name) for name in cls.base_fields}


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Project.Status.choices)
    comment = forms.CharField(required=False, max_length=5000)


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")


def add_service_errors(form: forms.Form, details: Any, message: str) -> None:
    """Show a service's InvalidInputError next to the fields it names (else above the form)."""
    if not isinstance(details, dict) or not details:
        form.add_error(None, message)
        return
    for name, messages in details.items():
        field = name if name in form.fields else None
        for text in messages if isinstance(messages, list) else [messages]:
            form.add_error(field, str(text))
