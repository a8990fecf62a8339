"""Forms of the questions pages: they validate input only; the services do the writing."""

import json
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cslab.projects.vocabulary import ResearchDomain
from cslab.questions.models.question import Question

LAB_BOARD = ""


class ProposeForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=300,
        help_text=_("One question, in your own words. Similar questions appear as you type."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    why_it_matters = forms.CharField(
        label=_("Why does it matter to you?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    board = forms.ChoiceField(
        label=_("Where to ask"),
        required=False,
        help_text=_("The Lab-wide board, or the board of a project you can see."),
    )
    domains = forms.MultipleChoiceField(
        label=_("Research domains"),
        required=False,
        choices=ResearchDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    place_name = forms.CharField(
        label=_("Place name"),
        required=False,
        max_length=200,
        help_text=_("A street, neighbourhood, river or town the question is about."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Decimal degrees, e.g. 52.1601. Click the map to fill it in."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Decimal degrees, e.g. 4.4970."),
    )
    area = forms.CharField(
        label=_("Advanced: paste GeoJSON (longitude first)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For an area rather than a point. Drawing it on the map fills this in; or paste a"
            " GeoJSON Polygon."
        ),
    )
    checked = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, boards: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        board_field = self.fields["board"]
        assert isinstance(board_field, forms.ChoiceField)  # noqa: S101  (narrows the type)
        board_field.choices = [(LAB_BOARD, _("The Lab-wide board")), *boards]
        # Suggest similar questions while the person types (htmx; the preview step does the
        # same without JavaScript).
        self.fields["text"].widget.attrs.update(
            {
                "hx-get": reverse("question_similar"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#similar-questions",
                "hx-swap": "innerHTML",
            }
        )

    def clean_area(self) -> Any:
        raw = self.cleaned_data.get("area", "").strip()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("This is not valid GeoJSON.")) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Give both a latitude and a longitude, or neither."))
        return cleaned


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the people following the question (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AdoptForm(NoteForm):
    NEW_PROJECT = "new"

    project = forms.ChoiceField(label=_("Project that takes up the question"))
    new_project_name = forms.CharField(
        label=_("Name of the new project"),
        required=False,
        max_length=200,
        help_text=_("Only for a new project. Left empty, the question becomes its name."),
    )

    def __init__(self, *args: Any, projects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project_field = self.fields["project"]
        assert isinstance(project_field, forms.ChoiceField)  # noqa: S101  (narrows the type)
        project_field.choices = [
            (self.NEW_PROJECT, _("A new incubating project, with the proposer invited")),
            *projects,
        ]


class AnswerForm(NoteForm):
    LINKS = 3

    answer = forms.CharField(
        label=_("The answer, in plain language"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, self.LINKS + 1):
            self.fields[f"link_{number}_title"] = forms.CharField(
                label=_("Title of output %(number)d") % {"number": number},
                required=False,
                max_length=200,
            )
            self.fields[f"link_{number}_url"] = forms.URLField(
                label=_("Address of output %(number)d") % {"number": number},
                required=False,
                max_length=500,
                assume_scheme="https",
            )

    def links(self) -> list[dict[str, str]]:
        return [
            {
                "title": self.cleaned_data[f"link_{n}_title"],
                "url": self.cleaned_data[f"link_{n}_url"],
            }
            for n in range(1, self.LINKS + 1)
            if self.cleaned_data.get(f"link_{n}_url")
        ]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the question is declined (shown publicly)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MergeForm(NoteForm):
    into = forms.IntegerField(
        label=_("Number of the question to merge into"),
        min_value=1,
        help_text=_("Its supporters and followers are carried over."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with it?"), required=False, max_length=500)


class ModerateForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide", _("Hide")), ("restore", _("Restore"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class TriageFilterForm(forms.Form):
    SORTS = [
        ("support", _("Most supported")),
        ("recent", _("Most recent")),
        ("domain", _("Domain")),
    ]
    STATUSES = [
        ("open", _("Open (proposed or under consideration)")),
        *Question.Status.choices,
        ("all", _("Any status")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", _("Any domain")), *ResearchDomain.choices], required=False
    )
    board = forms.ChoiceField(label=_("Board"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)

    def __init__(self, *args: Any, boards: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        board_field = self.fields["board"]
        assert isinstance(board_field, forms.ChoiceField)  # noqa: S101  (narrows the type)
        board_field.choices = [("", _("Every board")), ("lab", _("The Lab-wide board")), *boards]


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("Any status")),
            ("open", _("Open")),
            *[choice for choice in Question.Status.choices if choice[0] != "merged"],
        ],
        required=False,
    )
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", _("Any domain")), *ResearchDomain.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[("support", _("Most supported")), ("recent", _("Most recent"))],
        required=False,
    )


class QuestionIdsField(forms.Field):
    """The numbers of the questions ticked in a list (checkboxes named alike)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": _("Select at least one question.")}

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Select questions from the list.")) from None


class BulkForm(forms.Form):
    ACTIONS = [
        ("consider", _("Move to under consideration")),
        ("decline", _("Decline, with one reason")),
        ("merge", _("Merge into one question")),
    ]

    questions = QuestionIdsField(label=_("Questions"))
    action = forms.ChoiceField(label=_("Do this with the selected questions"), choices=ACTIONS)
    reason = forms.CharField(
        label=_("Reason or note (required to decline; shown publicly)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    into = forms.IntegerField(
        label=_("Merge into question number"),
        required=False,
        min_value=1,
        help_text=_("Only for merging: the question the others are merged into."),
    )
