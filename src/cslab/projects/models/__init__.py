from cslab.projects.models.membership import Invitation, JoinRequest, Membership
from cslab.projects.models.organisation import Organisation, OrganisationMember
from cslab.projects.models.project import Project, ProjectStatusChange, ProjectTag

__all__ = [
    "Invitation",
    "JoinRequest",
    "Membership",
    "Organisation",
    "OrganisationMember",
    "Project",
    "ProjectStatusChange",
    "ProjectTag",
]
