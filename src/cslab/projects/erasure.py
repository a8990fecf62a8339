"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

An erased person leaves every team and organisation, their invitations and join requests go
(an invitation is addressed to their e-mail), and projects' free text that names them (the
contact person, a status change's comment they wrote) is redacted. Projects they started or
mentor stay, pointing at the scrubbed account, which shows as the pseudonym. A withdrawal from
one project changes nothing here: it is about contributions, not membership.
"""

from __future__ import annotations

from django.db.models import Q

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.core.redaction import identity_needles, matching_filter, redact_queryset
from cslab.projects.models import (
    Invitation,
    JoinRequest,
    Membership,
    OrganisationMember,
    Project,
    ProjectStatusChange,
)
from cslab.projects.services.projects import SEARCHED_FIELDS, search_document_for


@register_eraser("projects")
def erase_team_places(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0
    user = scope.user
    needles = identity_needles(email=user.email, display_name=user.display_name)
    changed = Membership.objects.filter(user=user).delete()[0]
    changed += OrganisationMember.objects.filter(user=user).delete()[0]
    changed += JoinRequest.objects.filter(user=user).delete()[0]
    changed += Invitation.objects.filter(
        Q(email__iexact=user.email) | Q(accepted_by=user)
    ).delete()[0]
    # A project's texts that name the person (the contact person, a description signed by
    # them; the name is a project's own and stays): redacted, and the search document made
    # again from them, so full-text search no longer finds the project by the person's name.
    texts = ["contact_name", "contact_email", *(f for f in SEARCHED_FIELDS if f != "name")]
    changed += redact_queryset(Project.objects.all(), texts, needles)
    for project in Project.objects.filter(matching_filter(["search_document"], needles)):
        project.search_document = search_document_for(project)
        project.save(update_fields=["search_document"])
    changed += redact_queryset(ProjectStatusChange.objects.filter(actor=user), ["comment"], needles)
    return changed
