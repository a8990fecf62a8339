"""`{% openrosa_servers %}`: the project page's block with its OpenRosa server addresses."""

from typing import Any

from django import template
from django.urls import reverse

from cslab.core import permissions
from cslab.openrosa import selectors

register = template.Library()


@register.inclusion_tag("openrosa/_project_servers.html", takes_context=True)
def openrosa_servers(context: template.Context) -> dict[str, Any]:
    """Show the server URL to people who may submit; app users to the project's leads."""
    request = context["request"]
    project = context["project"]
    user = request.user
    if not permissions.has_permission(user, "observation.submit", project):
        return {"show": False}
    base = request.build_absolute_uri(reverse("openrosa_form_list", args=[project.slug]))
    may_manage = permissions.has_permission(user, "openrosa.app_user.manage", project)
    app_users = []
    if may_manage:
        for app_user in selectors.app_user_list_for_project(user=user, project=project):
            path = reverse("openrosa_key_form_list", args=[app_user.token, project.slug])
            app_users.append(
                {
                    "app_user": app_user,
                    "url": request.build_absolute_uri(path).removesuffix("/formList"),
                }
            )
    return {
        "show": True,
        "project": project,
        "server_url": base.removesuffix("/formList"),
        "may_manage": may_manage,
        "app_users": app_users,
        "csrf_token": context.get("csrf_token"),
    }
