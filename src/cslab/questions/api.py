"""API routes of the questions area: thin handlers over the selectors and services."""

from typing import Any

from ninja import Router, Status
from ninja.pagination import paginate

from cslab.api.auth import ANYONE, SIGNED_IN, ApiRequest
from cslab.api.pagination import CursorPagination
from cslab.projects.selectors import project_get_for_editing, project_get_for_viewing
from cslab.questions import selectors
from cslab.questions.schemas import (
    AdoptIn,
    AnswerIn,
    DeclineIn,
    FollowOut,
    MergeIn,
    NoteIn,
    QuestionCommentFlagIn,
    QuestionCommentIn,
    QuestionCommentModerateIn,
    QuestionCommentOut,
    QuestionIn,
    QuestionOut,
    SimilarQuestionOut,
    SupportOut,
)
from cslab.questions.services import comments, states, supports
from cslab.questions.services.questions import question_propose

router = Router(tags=["questions"], auth=SIGNED_IN)


@router.get("/questions", response=list[QuestionOut], auth=ANYONE, summary="Research questions")
@paginate(CursorPagination)
def list_questions(
    request: ApiRequest, board: str = "", status: str = "", domain: str = "", sort: str = ""
) -> Any:
    """`board`: "lab" or a project's slug; `status`: a status, "open" or "all" (default: all
    but merged); `sort`: "support" (default) or "recent"."""
    return selectors.question_list(
        user=request.auth,
        board=board,
        status=status,
        domain=domain,
        sort="recent" if sort == "recent" else "support",
    )


@router.get(
    "/questions/similar",
    response=list[SimilarQuestionOut],
    auth=ANYONE,
    summary="Questions that read like a text",
)
def similar_questions(request: ApiRequest, text: str) -> Any:
    return selectors.question_list_similar(user=request.auth, text=text[:300])


@router.get("/questions/{int:question_id}", response=QuestionOut, auth=ANYONE, summary="A question")
def get_question(request: ApiRequest, question_id: int) -> Any:
    return selectors.question_get_for_viewing(user=request.auth, question_id=question_id)


@router.post("/questions", response={201: QuestionOut}, summary="Propose a question")
def propose_question(request: ApiRequest, payload: QuestionIn) -> Any:
    project = (
        project_get_for_viewing(user=request.auth, slug=payload.board) if payload.board else None
    )
    question = question_propose(
        actor=request.auth,
        project=project,
        **payload.dict(exclude={"board"}),
    )
    return Status(
        201, selectors.question_get_for_viewing(user=request.auth, question_id=question.pk)
    )


def _question(request: ApiRequest, question_id: int) -> Any:
    return selectors.question_get_for_viewing(user=request.auth, question_id=question_id)


@router.post(
    "/questions/{int:question_id}/support", response=SupportOut, summary="Support a question"
)
def support_question(request: ApiRequest, question_id: int) -> Any:
    question = supports.question_support(
        actor=request.auth, question=_question(request, question_id)
    )
    return {"question_id": question.pk, "supporting": True, "support_count": question.support_count}


@router.delete(
    "/questions/{int:question_id}/support", response=SupportOut, summary="Withdraw my support"
)
def withdraw_support(request: ApiRequest, question_id: int) -> Any:
    question = supports.question_support_withdraw(
        actor=request.auth, question=_question(request, question_id)
    )
    return {
        "question_id": question.pk,
        "supporting": False,
        "support_count": question.support_count,
    }


@router.post("/questions/{int:question_id}/follow", response=FollowOut, summary="Follow")
def follow_question(request: ApiRequest, question_id: int) -> Any:
    supports.question_follow(actor=request.auth, question=_question(request, question_id))
    return {"question_id": question_id, "following": True}


@router.delete("/questions/{int:question_id}/follow", response=FollowOut, summary="Unfollow")
def unfollow_question(request: ApiRequest, question_id: int) -> Any:
    supports.question_unfollow(actor=request.auth, question=_question(request, question_id))
    return {"question_id": question_id, "following": False}


@router.get(
    "/questions/{int:question_id}/comments",
    response=list[QuestionCommentOut],
    auth=ANYONE,
    summary="A question's discussion, oldest first (rebuild threads with parent_id)",
)
@paginate(CursorPagination)
def list_comments(request: ApiRequest, question_id: int) -> Any:
    return selectors.comment_list(user=request.auth, question=_question(request, question_id))


@router.post(
    "/questions/{int:question_id}/comments", response={201: QuestionCommentOut}, summary="Comment"
)
def create_comment(request: ApiRequest, question_id: int, payload: QuestionCommentIn) -> Any:
    question = _question(request, question_id)
    parent = (
        selectors.comment_get_for_viewing(user=request.auth, comment_id=payload.parent_id)
        if payload.parent_id
        else None
    )
    comment = comments.comment_post(
        actor=request.auth, question=question, text=payload.text, parent=parent
    )
    return Status(201, comment)


def _comment(request: ApiRequest, comment_id: int) -> Any:
    return selectors.comment_get_for_viewing(user=request.auth, comment_id=comment_id)


@router.post(
    "/questions/comments/{int:comment_id}/flag",
    response=QuestionCommentOut,
    summary="Flag a comment",
)
def flag_comment(request: ApiRequest, comment_id: int, payload: QuestionCommentFlagIn) -> Any:
    return comments.comment_flag(
        actor=request.auth, comment=_comment(request, comment_id), reason=payload.reason
    )


@router.post(
    "/questions/comments/{int:comment_id}/hide",
    response=QuestionCommentOut,
    summary="Hide a comment (moderators)",
)
def hide_comment(request: ApiRequest, comment_id: int, payload: QuestionCommentModerateIn) -> Any:
    return comments.comment_hide(
        actor=request.auth, comment=_comment(request, comment_id), reason=payload.reason
    )


@router.post(
    "/questions/comments/{int:comment_id}/restore",
    response=QuestionCommentOut,
    summary="Restore a hidden comment (moderators)",
)
def restore_comment(
    request: ApiRequest, comment_id: int, payload: QuestionCommentModerateIn
) -> Any:
    return comments.comment_restore(
        actor=request.auth, comment=_comment(request, comment_id), reason=payload.reason
    )


@router.post(
    "/questions/{int:question_id}/consider",
    response=QuestionOut,
    summary="Put a question under consideration",
)
def consider_question(request: ApiRequest, question_id: int, payload: NoteIn) -> Any:
    return states.question_consider(
        actor=request.auth, question=_question(request, question_id), note=payload.note
    )


@router.post(
    "/questions/{int:question_id}/adopt",
    response=QuestionOut,
    summary="Adopt a question into a project, or into a new incubating one",
)
def adopt_question(request: ApiRequest, question_id: int, payload: AdoptIn) -> Any:
    question = _question(request, question_id)
    project = (
        project_get_for_editing(user=request.auth, slug=payload.project)
        if payload.project
        else None
    )
    return states.question_adopt(
        actor=request.auth,
        question=question,
        project=project,
        new_project_name=payload.new_project_name,
        note=payload.note,
    )


@router.post(
    "/questions/{int:question_id}/answer", response=QuestionOut, summary="Answer a question"
)
def answer_question(request: ApiRequest, question_id: int, payload: AnswerIn) -> Any:
    return states.question_answer(
        actor=request.auth,
        question=_question(request, question_id),
        answer=payload.answer,
        links=[link.dict() for link in payload.links],
        note=payload.note,
    )


@router.post(
    "/questions/{int:question_id}/decline",
    response=QuestionOut,
    summary="Decline a question with a public reason",
)
def decline_question(request: ApiRequest, question_id: int, payload: DeclineIn) -> Any:
    return states.question_decline(
        actor=request.auth, question=_question(request, question_id), reason=payload.reason
    )


@router.post(
    "/questions/{int:question_id}/merge",
    response=QuestionOut,
    summary="Merge a duplicate into another question (moderators)",
)
def merge_question(request: ApiRequest, question_id: int, payload: MergeIn) -> Any:
    question = _question(request, question_id)
    into = _question(request, payload.into)
    return states.question_merge(
        actor=request.auth, question=question, into=into, note=payload.note
    )
