"""Pages of the questions area: boards, proposing, a question's page, triage, my questions.

Thin: parse a form, call a service or selector, render. Domain errors raised here become the
404/403/log-in pages through `core.middleware.DomainErrorMiddleware`.
"""

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cslab.core.actors import Actor, SignedInRequest
from cslab.core.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.problems import ProblemCode
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing, project_list_visible
from cslab.questions import forms, selectors
from cslab.questions import states as states_table
from cslab.questions.services import comments, states, supports
from cslab.questions.services.questions import question_propose as propose

PAGE_SIZE = 20
# Refusals in general go to their own page (through DomainErrorMiddleware), not onto the form.
SHOWN_AS_PAGES = frozenset(
    {ProblemCode.NOT_FOUND, ProblemCode.PERMISSION_DENIED, ProblemCode.NOT_AUTHENTICATED}
)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _board(request: HttpRequest, project: Project | None) -> HttpResponse:
    form = forms.BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    questions = selectors.question_list_for_board(
        user=request.user,
        project=project,
        status=filters.get("status", ""),
        domain=filters.get("domain", ""),
        sort=filters.get("sort", ""),
    )
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "questions/board.html",
        {
            "project": project,
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "can_triage": selectors.question_can_triage(user=request.user),
        },
    )


@require_GET
def question_board(request: HttpRequest) -> HttpResponse:
    return _board(request, None)


@require_GET
def project_question_board(request: HttpRequest, slug: str) -> HttpResponse:
    return _board(request, project_get_for_viewing(user=request.user, slug=slug))


def _boards_for(user: Actor, slug: str) -> list[tuple[str, str]]:
    """Return the boards to offer: listed or own projects, plus the one the person came from
    (an unlisted project's board is reached by its link)."""
    projects = project_list_visible(user=user).exclude(status=Project.Status.ARCHIVED)
    boards = [(project.slug, project.name) for project in projects.order_by("name")[:200]]
    if slug and slug not in {board for board, _name in boards}:
        project = project_get_for_viewing(user=user, slug=slug)
        boards.insert(0, (project.slug, project.name))
    return boards


@login_required
def question_propose(request: SignedInRequest) -> HttpResponse:
    """Propose a question. Similar questions are shown while typing (htmx) and, without
    JavaScript, on a preview step before the question is put on the board."""
    slug = request.POST.get("board") or request.GET.get("project", "")
    boards = _boards_for(request.user, slug)
    initial = {"board": request.GET.get("project", "")}
    form = forms.ProposeForm(request.POST or None, initial=initial, boards=boards)
    similar: list[selectors.SimilarQuestion] = []
    preview = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = selectors.question_list_similar(user=request.user, text=data["text"])
        wants_preview = request.POST.get("step") == "preview"
        if wants_preview or (similar and not data["checked"]):
            preview = True
            checked = request.POST.copy()
            checked["checked"] = "on"
            form = forms.ProposeForm(checked, boards=boards)
            form.is_valid()
        else:
            project = (
                project_get_for_viewing(user=request.user, slug=data["board"])
                if data["board"]
                else None
            )
            try:
                question = propose(
                    actor=request.user,
                    text=data["text"],
                    why_it_matters=data["why_it_matters"],
                    project=project,
                    domains=data["domains"],
                    place_name=data["place_name"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    area=data["area"],
                )
            except DomainError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your question is on the board. Thank you!"))
                return redirect(question)
    return render(
        request,
        "questions/propose.html",
        {"form": form, "similar": similar, "preview": preview},
    )


@require_GET
def question_similar(request: HttpRequest) -> HttpResponse:
    """The list of similar questions, for the propose form (htmx) or as a page without JS."""
    text = request.GET.get("text", "")[:300]
    similar = selectors.question_list_similar(user=request.user, text=text) if text else []
    return render(request, "questions/_similar.html", {"similar": similar, "text": text})


def question_detail(request: HttpRequest, question_id: int) -> HttpResponse:
    page = selectors.question_page(user=request.user, question_id=question_id)
    return render(
        request,
        "questions/detail.html",
        {"page": page, "question": page.question, "comment_form": forms.CommentForm()},
    )


@login_required
@require_POST
def question_support(request: SignedInRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get_for_viewing(user=request.user, question_id=question_id)
    supporting = request.POST.get("action") != "withdraw"
    try:
        if supporting:
            supports.question_support(actor=request.user, question=question)
        else:
            supports.question_support_withdraw(actor=request.user, question=question)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect(question)
    if _is_htmx(request):
        return render(
            request, "questions/_support.html", {"question": question, "supporting": supporting}
        )
    return redirect(question)


@login_required
@require_POST
def question_follow(request: SignedInRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get_for_viewing(user=request.user, question_id=question_id)
    following = request.POST.get("action") != "unfollow"
    if following:
        supports.question_follow(actor=request.user, question=question)
    else:
        supports.question_unfollow(actor=request.user, question=question)
    if _is_htmx(request):
        return render(
            request, "questions/_follow.html", {"question": question, "following": following}
        )
    return redirect(question)


@login_required
@require_POST
def question_comment(request: SignedInRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get_for_viewing(user=request.user, question_id=question_id)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment (at most 5,000 characters)."))
        return redirect(f"{question.get_absolute_url()}#discussion")
    parent = None
    if form.cleaned_data["parent"]:
        parent = selectors.comment_get_for_viewing(
            user=request.user, comment_id=form.cleaned_data["parent"]
        )
    try:
        comment = comments.comment_post(
            actor=request.user, question=question, text=form.cleaned_data["text"], parent=parent
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{question.get_absolute_url()}#discussion")
    return redirect(f"{question.get_absolute_url()}#comment-{comment.pk}")


@login_required
@require_POST
def question_comment_flag(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment = selectors.comment_get_for_viewing(user=request.user, comment_id=comment_id)
    form = forms.FlagForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        comments.comment_flag(actor=request.user, comment=comment, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the moderators will look at the comment."))
    return redirect(f"{comment.question.get_absolute_url()}#comment-{comment.pk}")


@login_required
@require_POST
def question_comment_moderate(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment = selectors.comment_get_for_viewing(user=request.user, comment_id=comment_id)
    form = forms.ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to hide or restore the comment."))
        return redirect(f"{comment.question.get_absolute_url()}#comment-{comment.pk}")
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["action"] == "hide":
            comments.comment_hide(actor=request.user, comment=comment, reason=reason)
        else:
            comments.comment_restore(actor=request.user, comment=comment, reason=reason)
    except DomainError as error:
        if error.code in SHOWN_AS_PAGES:
            raise
        messages.error(request, error.message)
    return redirect(f"{comment.question.get_absolute_url()}#comment-{comment.pk}")


DECIDE_FORMS: dict[str, type[django_forms.Form]] = {
    "consider": forms.NoteForm,
    "adopt": forms.AdoptForm,
    "answer": forms.AnswerForm,
    "decline": forms.DeclineForm,
    "merge": forms.MergeForm,
}


@login_required
def question_decide(request: SignedInRequest, question_id: int, action: str) -> HttpResponse:
    """Consider, adopt, answer, decline or merge a question: one form per action."""
    page = selectors.question_page(user=request.user, question_id=question_id)
    question = page.question
    if action not in DECIDE_FORMS:
        raise NotFoundError()
    if action not in page.actions:
        if states_table.transition_for_action(question.status, action) is not None:
            raise PermissionDeniedError(_("You may not do this."))
        messages.error(
            request,
            _("A question that is “%(status)s” cannot be moved this way.")
            % {"status": question.get_status_display()},
        )
        return redirect(question)
    form_class = DECIDE_FORMS[action]
    kwargs: dict[str, Any] = {}
    if action == "adopt":
        kwargs["projects"] = [(str(p.pk), p.name) for p in page.adoptable_projects]
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            _decide(request, question, action, form)
        except DomainError as error:
            if error.code in SHOWN_AS_PAGES:
                raise
            _add_errors(form, error)
        else:
            messages.success(request, _("Done: everyone following the question is told."))
            return redirect(question)
    return render(
        request,
        "questions/decide.html",
        {"page": page, "question": question, "action": action, "form": form},
    )


def _decide(request: HttpRequest, question: Any, action: str, form: Any) -> None:
    data = form.cleaned_data
    actor = request.user
    if action == "consider":
        states.question_consider(actor=actor, question=question, note=data["note"])
    elif action == "adopt":
        project = None
        if data["project"] != forms.AdoptForm.NEW_PROJECT:
            project = next(
                (
                    p
                    for p in selectors.project_list_for_adoption(user=actor, question=question)
                    if str(p.pk) == data["project"]
                ),
                None,
            )
        states.question_adopt(
            actor=actor,
            question=question,
            project=project,
            new_project_name=data["new_project_name"],
            note=data["note"],
        )
    elif action == "answer":
        states.question_answer(
            actor=actor,
            question=question,
            answer=data["answer"],
            links=form.links(),
            note=data["note"],
        )
    elif action == "decline":
        states.question_decline(actor=actor, question=question, reason=data["reason"])
    else:
        into = _merge_target(actor, data["into"])
        states.question_merge(actor=actor, question=question, into=into, note=data["note"])


def _merge_target(user: Actor, question_id: int) -> Any:
    """Return the question to merge into; an unknown (or hidden) number is an input error."""
    try:
        return selectors.question_get_for_viewing(user=user, question_id=question_id)
    except NotFoundError:
        raise InvalidInputError(
            _("There is no question number %(number)d.") % {"number": question_id},
            details={"into": [_("Give the number of a question you can see.")]},
        ) from None


@login_required
def question_triage(request: SignedInRequest) -> HttpResponse:
    """Triage for Lab staff and project researchers: filter, sort, act on many at once."""
    boards = [(p.slug, p.name) for p in selectors.triage_boards(user=request.user)]
    filters = forms.TriageFilterForm(request.GET or None, boards=boards)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    bulk = forms.BulkForm(request.POST or None)
    if request.method == "POST" and bulk.is_valid():
        data = bulk.cleaned_data
        chosen_questions = selectors.question_get_for_triage_bulk(
            user=request.user, question_ids=data["questions"]
        )
        try:
            into = (
                _merge_target(request.user, data["into"])
                if data["action"] == "merge" and data["into"]
                else None
            )
            outcome = states.question_bulk_triage(
                actor=request.user,
                questions=chosen_questions,
                action=data["action"],
                reason=data["reason"],
                into=into,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if outcome.done:
                count = len(outcome.done)
                messages.success(
                    request,
                    ngettext("%(count)d question changed.", "%(count)d questions changed.", count)
                    % {"count": count},
                )
            for question, why in outcome.refused:
                messages.error(request, f"#{question.pk} “{question.text}”: {why}")
            return redirect(request.get_full_path())
    questions = selectors.question_list_for_triage(
        user=request.user,
        board=chosen.get("board", ""),
        status=chosen.get("status") or "open",
        domain=chosen.get("domain", ""),
        sort=chosen.get("sort", ""),
    )
    page = Paginator(questions, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "questions/triage.html",
        {"filters": filters, "bulk": bulk, "page": page, "query": query.urlencode()},
    )


@login_required
def question_list_mine(request: SignedInRequest) -> HttpResponse:
    mine = selectors.question_list_for_person(user=request.user)
    return render(request, "questions/mine.html", mine)


def _add_errors(form: Any, error: DomainError) -> None:
    """Show a service's refusal on the form: per field when it says which, else on top."""
    details = error.details if isinstance(error.details, dict) else {}
    placed = False
    for name, problems in details.items():
        if name in form.fields:
            for problem in problems if isinstance(problems, list) else [problems]:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(None, error.message)
