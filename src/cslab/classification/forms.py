"""HTML forms of the classification pages (parsing only; services decide)."""

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cslab.classification.models import Workflow


class WorkflowCreateForm(forms.Form):
    """A workflow with one question, from the photos of a form's observations or a set."""

    name = forms.CharField(label=_("Name"), max_length=200)
    question = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Volunteers pick"),
        choices=[("single", _("one answer")), ("multiple", _("any number of answers"))],
    )
    answers = forms.CharField(
        label=_("Answers, one per line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: Bee, Hoverfly, Butterfly — each on its own line."),
    )
    source = forms.ChoiceField(label=_("Subjects"), choices=[])
    retirement_count = forms.IntegerField(
        label=_("Retire a subject after this many classifications"),
        min_value=1,
        max_value=1000,
        initial=5,
    )
    allow_anonymous = forms.BooleanField(
        label=_("Volunteers may classify without an account"), required=False
    )
    activate = forms.BooleanField(label=_("Open it to volunteers now"), required=False)

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)  # noqa: S101 (narrowing for the type checker)
        source.choices = sources

    def tasks(self) -> list[dict[str, Any]]:
        labels = [
            line.strip() for line in self.cleaned_data["answers"].splitlines() if line.strip()
        ]
        answers: list[dict[str, str]] = []
        seen: set[str] = set()
        for label in labels:
            value = slugify(label)[:100] or f"answer-{len(answers) + 1}"
            if value in seen:
                continue
            seen.add(value)
            answers.append({"value": value, "label": label})
        return [
            {
                "key": "T0",
                "kind": self.cleaned_data["kind"],
                "question": self.cleaned_data["question"],
                "answers": answers,
            }
        ]


class WorkflowSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Workflow
        fields = [
            "name",
            "status",
            "retirement_count",
            "consensus_agreeing",
            "consensus_confidence",
            "gold_rate_newcomer",
            "gold_rate_experienced",
            "gold_rate_experience",
            "assignment_order",
            "allow_anonymous",
            "tutorial",
            "field_guide",
        ]
        widgets = {
            "tutorial": forms.Textarea(attrs={"rows": 6}),
            "field_guide": forms.Textarea(attrs={"rows": 6}),
        }


class SubjectSetUploadForm(forms.Form):
    name = forms.CharField(label=_("Name of the subject set"), max_length=200)
    archive = forms.FileField(
        label=_("Zip of media files with manifest.csv"),
        help_text=_(
            "manifest.csv: a “file” or “text” column, optional “id”, metadata columns "
            "(those starting with # or ! are hidden from volunteers)."
        ),
    )
    workflow = forms.ChoiceField(label=_("Offer in workflow"), required=False, choices=[])

    def __init__(self, *args: Any, workflows: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["workflow"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (narrowing for the type checker)
        field.choices = [("", _("None yet")), *workflows]


class DecisionForm(forms.Form):
    subject_id = forms.IntegerField(widget=forms.HiddenInput)
    label = forms.CharField(label=_("Answer"), max_length=100)
    note = forms.CharField(
        label=_("Why"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Use #hashtags so others can find subjects like this one."),
    )
