"""Factories of impact: outputs and impact statements with minimal defaults."""

import factory

from cslab.impact.models import ImpactStatement, Output
from cslab.impact.vocabulary import ImpactKind, OutputKind
from tests.projects.factories import ProjectFactory


class OutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Output
        skip_postgeneration_save = True

    kind = OutputKind.PUBLICATION
    title = factory.Sequence(lambda number: f"Output {number}")

    @factory.post_generation
    def projects(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.projects.add(*extracted)


class ImpactStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactStatement

    project = factory.SubFactory(ProjectFactory)
    kind = ImpactKind.POLICY
    description = factory.Sequence(lambda number: f"The council changed rule {number}.")
