"""Shapes of the hub's read API (`hub.api`)."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from cslab.core.markdown import render_markdown
from cslab.hub import states
from cslab.hub.vocabulary import ResourceTagKind


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class ResourceSearchItemOut(Schema):
    slug: str
    kind: str
    title: str
    summary: str
    snippet: str | None = Field(
        None, description="HTML: the passage where the words were found, words in <mark>."
    )
    url: str
    language: str
    licence: str
    published_at: datetime | None
    facets: dict[str, list[str]] = Field(
        ..., description="The resource's values of each facet (kind, domain, phase, ...)."
    )


class ResourceSearchOut(Schema):
    total: int
    page: int
    page_size: int
    num_pages: int
    corrected_query: str = Field(
        "", description="The words searched instead of q when q found nothing (typos)."
    )
    items: list[ResourceSearchItemOut]
    facets: dict[str, list[FacetOptionOut]]


class AuthorOut(Schema):
    name: str
    profile_url: str | None = None


class FileOut(Schema):
    title: str
    name: str
    content_type: str
    size: int
    download_url: str


class LinkOut(Schema):
    title: str
    url: str


class ResourceDetailOut(Schema):
    slug: str
    kind: str
    template_type: str
    title: str
    summary: str
    body_markdown: str
    body_html: str
    status: str
    version: int
    organisation: str
    department: str
    participation_level: str
    language: str
    licence: str
    published_at: datetime | None
    url: str
    authors: list[AuthorOut]
    tags: dict[str, list[str]]
    files: list[FileOut]
    links: list[LinkOut]
    translation: str | None = Field(None, description="The slug of the other-language version.")
    view_count: int
    download_count: int
    use_count: int

    @staticmethod
    def resolve_body_markdown(resource: Any) -> str:
        return str(resource.body)

    @staticmethod
    def resolve_body_html(resource: Any) -> str:
        return str(render_markdown(resource.body))

    @staticmethod
    def resolve_url(resource: Any) -> str:
        return str(resource.get_absolute_url())

    @staticmethod
    def resolve_authors(resource: Any) -> list[dict[str, Any]]:
        return [{"name": author.name, "profile_url": None} for author in resource.authors.all()]

    @staticmethod
    def resolve_tags(resource: Any) -> dict[str, list[str]]:
        return {kind: resource.tags_of(ResourceTagKind(kind)) for kind in ResourceTagKind.values}

    @staticmethod
    def resolve_files(resource: Any) -> list[dict[str, Any]]:
        return [
            {
                "title": item.title,
                "name": item.original_name,
                "content_type": item.content_type,
                "size": item.size,
                "download_url": reverse(
                    "hub_resource_file", kwargs={"slug": resource.slug, "file_id": item.pk}
                ),
            }
            for item in resource.files.all()
        ]

    @staticmethod
    def resolve_links(resource: Any) -> list[dict[str, Any]]:
        return [{"title": link.title, "url": link.url} for link in resource.links.all()]

    @staticmethod
    def resolve_translation(resource: Any) -> str | None:
        # Only a translation anyone may open is named: a draft's slug is not given away.
        other = resource.translation
        return other.slug if other is not None and other.status in states.PUBLIC else None
