"""Forms of the training pages: parsing only; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from cslab.hub.vocabulary import ResourceLanguage
from cslab.training.models import LessonFile, QuizQuestion
from cslab.training.services.modules import ChoiceInput, QuestionInput
from cslab.training.vocabulary import MAX_CHOICES_PER_QUESTION, MAX_QUESTIONS_PER_LESSON

# A line of the answers box that starts with this marks a right answer.
RIGHT_MARKER = "*"


class ModuleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One or two sentences shown in the list of modules."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description (Markdown)"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=ResourceLanguage.choices)
    estimated_minutes = forms.IntegerField(
        label=gettext_lazy("Time it takes (minutes)"), min_value=1, max_value=10_000
    )


class LessonForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Address (optional)"),
        max_length=120,
        required=False,
        help_text=gettext_lazy(
            "Lowercase letters, digits and hyphens; made from the title when empty."
        ),
    )
    body = forms.CharField(
        label=gettext_lazy("Text (Markdown)"),
        max_length=50_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    video_url = forms.URLField(
        label=gettext_lazy("Video link (optional)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy(
            "A YouTube or Vimeo link; it is shown in a privacy-friendly player."
        ),
    )
    pass_mark_percent = forms.IntegerField(
        label=gettext_lazy("Quiz pass mark (%)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=gettext_lazy("Leave empty for a lesson without a quiz."),
    )
    prerequisites = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Lessons to finish first"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, siblings: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["prerequisites"]
        field.choices = [(lesson.pk, lesson.title) for lesson in siblings or []]


class QuestionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Question"), max_length=500, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Answers allowed"), choices=QuizQuestion.Kind.choices
    )
    choices = forms.CharField(
        label=gettext_lazy("Answers, one per line"),
        required=False,
        max_length=MAX_CHOICES_PER_QUESTION * 310,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Start each right answer with *."),
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation (shown after an attempt)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def question(self) -> QuestionInput | None:
        """Return the question typed in this row, or None for an empty row."""
        data = self.cleaned_data
        if not data.get("text", "").strip():
            return None
        choices = []
        for line in data.get("choices", "").splitlines():
            text = line.strip()
            if not text:
                continue
            correct = text.startswith(RIGHT_MARKER)
            choices.append(ChoiceInput(text=text.lstrip(RIGHT_MARKER).strip(), correct=correct))
        return QuestionInput(
            text=data["text"],
            kind=data["kind"],
            explanation=data.get("explanation", ""),
            choices=choices,
        )


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    extra=1,
    max_num=MAX_QUESTIONS_PER_LESSON,
    absolute_max=MAX_QUESTIONS_PER_LESSON,
    validate_max=True,
)


def question_initial(lesson: Any) -> list[dict[str, Any]]:
    return [
        {
            "text": question.text,
            "kind": question.kind,
            "explanation": question.explanation,
            "choices": "\n".join(
                f"{RIGHT_MARKER} {choice.text}" if choice.correct else choice.text
                for choice in question.choices.all()
            ),
        }
        for question in lesson.questions.all()
    ]


class LessonFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    kind = forms.ChoiceField(
        label=gettext_lazy("Shown as"), choices=LessonFile.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    alt_text = forms.CharField(
        label=gettext_lazy("Description of the image (alt text)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Needed for images: what someone who cannot see it should know."),
    )
