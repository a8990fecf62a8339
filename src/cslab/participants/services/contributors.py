"""A project's contributor list as CSV and as an acknowledgement paragraph ready to paste."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cslab.core.actors import Actor
from cslab.core.services.audit import audit_record
from cslab.participants.selectors import ContributorList, contributor_list
from cslab.projects.models import Project

# Cells a spreadsheet would read as a formula start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def csv_safe(cell: object) -> str:
    """Return the cell with a leading apostrophe when a spreadsheet would run it as a formula."""
    text = str(cell)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _day(moment: datetime) -> str:
    return timezone.localdate(moment).isoformat()


def acknowledgement(contributors: ContributorList) -> str:
    """Return a paragraph thanking the project's contributors as each chose to be credited."""
    names = [contributor.name for contributor in contributors.credited]
    others: list[str] = []
    if contributors.anonymous:
        others.append(
            ngettext(
                "%(count)d contributor who preferred not to be named",
                "%(count)d contributors who preferred not to be named",
                contributors.anonymous,
            )
            % {"count": contributors.anonymous}
        )
    if contributors.field_devices:
        others.append(
            ngettext(
                "the people who contributed through %(count)d field device",
                "the people who contributed through %(count)d field devices",
                contributors.field_devices,
            )
            % {"count": contributors.field_devices}
        )
    everyone = [*names, *others]
    if not everyone:
        return ""
    listed = (
        everyone[0]
        if len(everyone) == 1
        else _("%(list)s and %(last)s")
        % {
            "list": ", ".join(everyone[:-1]),
            "last": everyone[-1],
        }
    )
    return _("We thank the participants of %(project)s for their contributions: %(people)s.") % {
        "project": contributors.project.name,
        "people": listed,
    }


def contributor_list_csv(*, actor: Actor, project: Project) -> str:
    """Return the project's contributor list as CSV (names as chosen, never e-mail addresses),
    with the anonymous and field-device counts as closing rows, and audit the export."""
    contributors = contributor_list(actor=actor, project=project)
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(
        [_("name"), _("contributions"), _("first contribution"), _("last contribution")]
    )
    for contributor in contributors.credited:
        writer.writerow(
            [
                csv_safe(contributor.name),
                str(contributor.contributions),
                _day(contributor.first),
                _day(contributor.last),
            ]
        )
    if contributors.anonymous:
        writer.writerow([_("anonymous contributors"), str(contributors.anonymous), "", ""])
    if contributors.field_devices:
        writer.writerow([_("field devices"), str(contributors.field_devices), "", ""])
    audit_record(
        actor=actor,
        action="participants.contributors_exported",
        target=project,
        details={"credited": len(contributors.credited), "anonymous": contributors.anonymous},
    )
    return output.getvalue()
