"""Forms of the resource pages: they validate input only; `hub.services.resources` saves it.

Authors and links are rows of plain fields (`author_<n>_name`, `link_<n>_url`, ...), so the
form works without JavaScript: an edit shows the stored rows plus a few empty ones.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.core.actors import Actor
from cslab.hub.models import Resource
from cslab.hub.selectors.resources import resource_list_mine
from cslab.hub.services.resources import MAX_AUTHORS, MAX_LINKS, AuthorInput, LinkInput
from cslab.hub.vocabulary import (
    Audience,
    ParticipationLevel,
    ResearchPhase,
    ResourceKind,
    ResourceLanguage,
    ResourceLicence,
    ResourceTagKind,
    TemplateType,
)
from cslab.projects.forms import sdg_label
from cslab.projects.vocabulary import SUSTAINABLE_DEVELOPMENT_GOALS, Faculty, ResearchDomain

EMPTY_ROWS = 2
ME = "me"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ResourceKindForm(forms.Form):
    """The first step of submitting: what kind of resource is it?"""

    kind = forms.ChoiceField(
        label=_("What are you sharing?"), choices=ResourceKind.choices, widget=forms.RadioSelect
    )


class ResourceForm(forms.Form):
    """Every field of a resource; `TAG_FIELDS` are stored as tags."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    template_type = forms.ChoiceField(
        label=_("Template for"),
        required=False,
        choices=[("", "—"), *TemplateType.choices],
        help_text=_("Only for templates: what the template is for."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown in lists and search results."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Markdown: **bold**, *italic*, # headings, - lists, [link text](https://…). "
            "HTML is shown as text."
        ),
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    department = forms.CharField(label=_("Department"), max_length=200, required=False)
    faculties = forms.MultipleChoiceField(
        label=_("Faculties"),
        required=False,
        choices=Faculty.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    domains = forms.MultipleChoiceField(
        label=_("Research domains"),
        required=False,
        choices=ResearchDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    participation_level = forms.ChoiceField(
        label=_("Participation level"),
        required=False,
        choices=[("", "—"), *ParticipationLevel.choices],
    )
    phases = forms.MultipleChoiceField(
        label=_("Research phases"),
        required=False,
        choices=ResearchPhase.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.MultipleChoiceField(
        label=_("Audience"),
        required=False,
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = forms.MultipleChoiceField(
        label=_("UN Sustainable Development Goals"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=2000,
        help_text=_("Separate keywords with commas (at most 20, each at most 50 characters)."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=ResourceLanguage.choices, widget=forms.RadioSelect
    )
    translation = forms.ModelChoiceField(
        label=_("Translation"),
        queryset=Resource.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("One of your resources that is this one in the other language."),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=ResourceLicence.choices)
    new_files = MultipleFileField(
        label=_("Add files"),
        required=False,
        help_text=_(
            "PDF; Word, Excel, PowerPoint or LibreOffice documents without macros (.docx, "
            ".xlsx, .pptx, .odt, .ods, .odp); pictures, CSV or text files and recordings; at "
            "most 20 MB each and 10 in all. Programs, archives and old .doc or .xls files are "
            "refused."
        ),
    )
    remove_files = forms.MultipleChoiceField(
        label=_("Remove files"), required=False, widget=forms.CheckboxSelectMultiple
    )
    cover_image = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("A JPEG, PNG or WebP picture; it is stored without its metadata."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_cover = forms.BooleanField(label=_("Remove the current cover image"), required=False)
    cover_alt_text = forms.CharField(
        label=_("Cover image description (alt text)"),
        max_length=300,
        required=False,
        help_text=_("Required with a cover: say what it shows for people who cannot see it."),
    )
    change_note = forms.CharField(
        label=_("What changed"),
        max_length=500,
        required=False,
        help_text=_("Shown in the version history of the published resource."),
    )

    PLAIN_FIELDS = (
        "kind",
        "template_type",
        "title",
        "summary",
        "body",
        "organisation",
        "department",
        "participation_level",
        "language",
        "licence",
        "cover_alt_text",
    )
    TAG_FIELDS = {
        "faculties": ResourceTagKind.FACULTY,
        "domains": ResourceTagKind.DOMAIN,
        "phases": ResourceTagKind.PHASE,
        "audience": ResourceTagKind.AUDIENCE,
        "sdgs": ResourceTagKind.SDG,
    }

    def __init__(
        self, *args: Any, user: Actor, resource: Resource | None = None, **kwargs: Any
    ) -> None:
        if resource is not None:
            kwargs.setdefault("initial", self.initial_for(resource))
        super().__init__(*args, **kwargs)
        self.user = user
        self.resource = resource
        self.fields["sdgs"].choices = [  # type: ignore[attr-defined]
            (number, sdg_label(number)) for number in SUSTAINABLE_DEVELOPMENT_GOALS
        ]
        mine = resource_list_mine(user).order_by("title")
        if resource is not None:
            mine = mine.exclude(pk=resource.pk)
        self.fields["translation"].queryset = mine  # type: ignore[attr-defined]
        self.fields["translation"].label_from_instance = (  # type: ignore[attr-defined]
            lambda item: f"{item.title} ({item.get_language_display()})"
        )
        if resource is None:
            for name in ("remove_files", "remove_cover", "change_note"):
                del self.fields[name]
            self.initial.setdefault("licence", ResourceLicence.CC_BY)
            if self.initial.get("kind") != ResourceKind.TEMPLATE:
                del self.fields["template_type"]
        else:
            self.fields["remove_files"].choices = [  # type: ignore[attr-defined]
                (str(item.pk), item.original_name) for item in resource.files.all()
            ]
            if not resource.files.exists():
                del self.fields["remove_files"]
            if not resource.cover_image:
                del self.fields["remove_cover"]
            if resource.status != Resource.Status.PUBLISHED:
                del self.fields["change_note"]
        self._add_rows(resource)

    # --- rows ----------------------------------------------------------------------------------

    def _add_rows(self, resource: Resource | None) -> None:
        stored_authors = list(resource.authors.all()) if resource is not None else []
        me_label = _("Me (%(name)s), linked to my profile") % {
            "name": getattr(self.user, "public_name", "")
        }
        who_choices: list[tuple[str, str]] = [
            ("", str(_("The name typed here"))),
            (ME, str(me_label)),
        ]
        who_choices.extend(
            (str(author.user_id), str(_("%(name)s, linked") % {"name": author.name}))
            for author in stored_authors
            if author.user_id is not None and author.user_id != self.user.pk
        )
        self.author_count = min(max(len(stored_authors) + EMPTY_ROWS, 3), MAX_AUTHORS)
        if self.is_bound:
            self.author_count = min(
                max(self.author_count, self._bound_rows("author_", "_name")), MAX_AUTHORS + 10
            )
        for index in range(self.author_count):
            self.fields[f"author_{index}_name"] = forms.CharField(
                label=_("Author %(number)d") % {"number": index + 1},
                max_length=200,
                required=False,
            )
            self.fields[f"author_{index}_who"] = forms.ChoiceField(
                label=_("Who is author %(number)d?") % {"number": index + 1},
                choices=who_choices,
                required=False,
            )
            if index < len(stored_authors):
                author = stored_authors[index]
                self.initial.setdefault(f"author_{index}_name", author.name)
                who = ""
                if author.user_id == self.user.pk:
                    who = ME
                elif author.user_id is not None:
                    who = str(author.user_id)
                self.initial.setdefault(f"author_{index}_who", who)
            elif index == 0 and resource is None:
                self.initial.setdefault(f"author_{index}_who", ME)
        stored_links = list(resource.links.all()) if resource is not None else []
        self.link_count = min(max(len(stored_links) + EMPTY_ROWS, 2), MAX_LINKS)
        if self.is_bound:
            self.link_count = min(
                max(self.link_count, self._bound_rows("link_", "_url")), MAX_LINKS + 10
            )
        for index in range(self.link_count):
            self.fields[f"link_{index}_title"] = forms.CharField(
                label=_("Link %(number)d: title") % {"number": index + 1},
                max_length=200,
                required=False,
            )
            self.fields[f"link_{index}_url"] = forms.CharField(
                label=_("Link %(number)d: address") % {"number": index + 1},
                max_length=1000,
                required=False,
                widget=forms.URLInput(attrs={"placeholder": "https://"}),
            )
            if index < len(stored_links):
                self.initial.setdefault(f"link_{index}_title", stored_links[index].title)
                self.initial.setdefault(f"link_{index}_url", stored_links[index].url)

    def _bound_rows(self, prefix: str, suffix: str) -> int:
        """Return how many rows the submitted data holds (the largest index + 1)."""
        count = 0
        for key in self.data:
            if key.startswith(prefix) and key.endswith(suffix):
                number = key[len(prefix) : -len(suffix)]
                if number.isdigit():
                    count = max(count, int(number) + 1)
        return count

    def author_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"author_{index}_name"], self[f"author_{index}_who"])
            for index in range(self.author_count)
        ]

    def link_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"link_{index}_title"], self[f"link_{index}_url"])
            for index in range(self.link_count)
        ]

    # --- values for the services --------------------------------------------------------------

    @classmethod
    def initial_for(cls, resource: Resource) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(resource, name) for name in cls.PLAIN_FIELDS}
        for name, kind in cls.TAG_FIELDS.items():
            initial[name] = resource.tags_of(kind)
        initial["keywords"] = ", ".join(resource.tags_of(ResourceTagKind.KEYWORD))
        initial["translation"] = resource.translation_id
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") != ResourceKind.TEMPLATE or "template_type" not in self.fields:
            cleaned["template_type"] = ""
        return cleaned

    def tags(self) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = {
            kind: list(self.cleaned_data.get(name) or []) for name, kind in self.TAG_FIELDS.items()
        }
        keywords = [word.strip() for word in self.cleaned_data.get("keywords", "").split(",")]
        tags[ResourceTagKind.KEYWORD] = list(dict.fromkeys(word for word in keywords if word))
        return tags

    def authors(self) -> list[AuthorInput]:
        authors: list[AuthorInput] = []
        for index in range(self.author_count):
            name = (self.cleaned_data.get(f"author_{index}_name") or "").strip()
            who = self.cleaned_data.get(f"author_{index}_who") or ""
            if who == ME:
                user_id = int(self.user.pk)  # type: ignore[arg-type]
                authors.append(AuthorInput(name=name, user_id=user_id))
            elif who:
                authors.append(AuthorInput(name=name, user_id=int(who)))
            elif name:
                authors.append(AuthorInput(name=name))
        return authors

    def links(self) -> list[LinkInput]:
        links: list[LinkInput] = []
        for index in range(self.link_count):
            url = (self.cleaned_data.get(f"link_{index}_url") or "").strip()
            title = (self.cleaned_data.get(f"link_{index}_title") or "").strip()
            if url:
                links.append(LinkInput(url=url, title=title))
            elif title:
                self.add_error(f"link_{index}_url", _("Give the link's address."))
        return links

    def changes(self) -> dict[str, Any]:
        """Return the keyword arguments of `resource_create`/`resource_update`."""
        values: dict[str, Any] = {
            name: self.cleaned_data.get(name) or "" for name in self.PLAIN_FIELDS
        }
        values["tags"] = self.tags()
        values["authors"] = self.authors()
        values["links"] = self.links()
        if self.cleaned_data.get("cover_image"):
            values["cover_image"] = self.cleaned_data["cover_image"]
        if self.resource is not None:
            values["remove_cover"] = bool(self.cleaned_data.get("remove_cover"))
        return values


def add_service_errors(form: forms.Form, details: Any, message: str) -> None:
    """Show a service's error next to the fields it names (else above the form)."""
    if not isinstance(details, dict) or not details:
        form.add_error(None, message)
        return
    aliases = {
        ResourceTagKind.FACULTY: "faculties",
        ResourceTagKind.DOMAIN: "domains",
        ResourceTagKind.PHASE: "phases",
        ResourceTagKind.SDG: "sdgs",
        "authors": "author_0_name",
        "links": "link_0_url",
        "files": "new_files",
    }
    for name, messages in details.items():
        target = aliases.get(name, name)
        field = target if target in form.fields else None
        for text in messages if isinstance(messages, list) else [messages]:
            form.add_error(field, str(text))
