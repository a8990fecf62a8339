"""How many observations each map cell holds, kept with the observations (observations.map_counts).

One row counts the current observations of a project that fall in one H3 cell at one
resolution, by where the viewer sees them (the public point or the true one) and by who may
see them (their status). Each cell is spread over a few slots (the observation's id modulo
SLOTS) so that concurrent submissions to one project, which all land in the same coarse cell,
do not queue on one row; readers add the slots up.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MapCellCount(models.Model):
    """The number of current observations in one cell, for one location kind and audience."""

    class Location(models.TextChoices):
        PUBLIC = "public", _("public location")
        TRUE = "true", _("true location")

    class Audience(models.TextChoices):
        # Pending, accepted and flagged: everyone who may see the project sees them.
        EVERYONE = "everyone", _("everyone")
        # Rejected: the project's team, Lab staff and the observer.
        TEAM = "team", _("team")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    location = models.CharField(max_length=6, choices=Location.choices)
    resolution = models.PositiveSmallIntegerField()
    cell = models.CharField(max_length=16)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    slot = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("map cell count")
        verbose_name_plural = _("map cell counts")
        constraints = [
            # The key of `INSERT … ON CONFLICT`, and the index every map view reads by.
            models.UniqueConstraint(
                fields=["project", "location", "resolution", "cell", "audience", "slot"],
                name="map_cell_count_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.location}/{self.resolution}/{self.cell}: {self.count}"
