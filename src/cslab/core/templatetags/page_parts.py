"""`{% render_part part %}`: a part of a page, rendered in the page's own context.

Each registered part (`core.page_parts`) gives its template a context of its own; the page
renders it with that context on top of the page's (viewer, object, messages, CSRF token), as
`{% include %}` would, so no part costs a second pass of the context processors.
"""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from cslab.core.page_parts import RenderedPart

register = template.Library()


@register.simple_tag(takes_context=True)
def render_part(context: template.Context, part: RenderedPart) -> SafeString:
    part_template = context.template.engine.get_template(part.template)  # type: ignore[union-attr]
    values: dict[str, Any] = dict(part.context)
    with context.push(part=part.context, **values):
        rendered: SafeString = part_template.render(context)
    return rendered
