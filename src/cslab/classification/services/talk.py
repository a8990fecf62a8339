"""Talk: each subject's discussion, with #hashtags indexed for finding subjects by tag."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from cslab.classification.models import Subject, SubjectComment, SubjectHashtag
from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode

HASHTAG = re.compile(r"(?<![\w#])#(\w{1,50})")
MAX_COMMENT_LENGTH = 5000


def hashtags_in(text: str) -> list[str]:
    """Return the distinct hashtags of a text, lower case, without '#', in order of use."""
    seen: dict[str, None] = {}
    for match in HASHTAG.finditer(text):
        seen.setdefault(match.group(1).casefold(), None)
    return list(seen)


@transaction.atomic
def subject_comment_post(*, actor: Actor, subject: Subject, text: str) -> SubjectComment:
    """Add a comment to a subject's discussion and index its hashtags."""
    permissions.require(actor, "subject.talk", subject)
    actor = signed_in(actor)
    text = text.strip()
    if not text:
        raise InvalidInputError(_("Write a comment."), code=ProblemCode.EMPTY_COMMENT)
    if len(text) > MAX_COMMENT_LENGTH:
        raise InvalidInputError(
            _("A comment has at most 5,000 characters."), code=ProblemCode.TOO_LONG
        )
    comment = SubjectComment(subject=subject, author=actor, text=text)
    comment.full_clean(exclude=["subject", "author"])
    comment.save()
    SubjectHashtag.objects.bulk_create(
        [SubjectHashtag(comment=comment, subject=subject, tag=tag) for tag in hashtags_in(text)]
    )
    return comment
