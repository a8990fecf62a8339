"""Reads of impact: outputs and impact statements (`outputs.py`), the figures of a project and
of the Lab (`figures.py`), meta-research exports (`meta_research.py`).

The outputs' selectors are re-exported here: other areas import them from
`cslab.impact.selectors`.
"""

from cslab.impact.selectors.outputs import (
    ContributedProject,
    output_get_for_managing,
    output_list_for_project,
    output_list_where_my_contribution_went,
    project_list_for_output_links,
)

__all__ = [
    "ContributedProject",
    "output_get_for_managing",
    "output_list_for_project",
    "output_list_where_my_contribution_went",
    "project_list_for_output_links",
]
