"""Template filters of the projects area."""

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The characters that could end a <script> element or open a comment or entity inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.filter
def json_ld(value: Any) -> SafeString:
    """Serialise `value` as JSON safe to put inside `<script type="application/ld+json">`.

    "<", ">" and "&" become JSON escapes (\\u003c, ...), so text such as "</script>" in a
    project's description cannot end the element; the JSON still means the same.
    """
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 (escaped above)  # nosec B308, B703
