"""Render Markdown (tutorials, field guides, hub resources) to safe HTML.

Raw HTML in the source is escaped, not passed through, and markdown-it refuses `javascript:`
and similar links; images are allowed (field guides show example photos). Tables (GitHub's
pipe syntax) and strikethrough are on: guides and case studies compare things in tables.
"""

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(source: str) -> SafeString:
    """Return the HTML of a Markdown text, safe to put in a page."""
    html: str = _renderer.render(source or "")
    return mark_safe(html)  # noqa: S308 (raw HTML is escaped above)  # nosec B308, B703
