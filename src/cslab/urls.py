from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from cslab.accounts import views as account_views
from cslab.api.api import api
from cslab.core import views as core_views
from cslab.events.sitemaps import EventSitemap
from cslab.hub.sitemaps import ResourceSitemap
from cslab.openrosa import views as openrosa_views
from cslab.projects.feeds import NewProjectsFeed
from cslab.projects.sitemaps import ProjectSitemap

# No route serves MEDIA_ROOT as it is, in any mode: every uploaded file is served by a view that
# asks the permission module (collection.media_views, classification.media_views,
# projects.views.media), through core.media_serving.
# The admin signs in through the site's log-in page, whose failed attempts are throttled; its
# own form checked passwords without any limit.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico whatever the page says; the icon itself is a static SVG.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("cslab/favicon.svg")),
        name="favicon",
    ),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"projects": ProjectSitemap, "hub": ResourceSitemap, "events": EventSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("projects/feed/", NewProjectsFeed(), name="project_feed"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("accounts/me/", account_views.profile_edit, name="account_profile"),
    path("accounts/me/tokens/", account_views.api_tokens, name="api_tokens"),
    path(
        "accounts/me/tokens/<int:token_id>/revoke/",
        account_views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path(
        "accounts/me/device-passwords/",
        openrosa_views.device_passwords_page,
        name="device_passwords",
    ),
    path(
        "accounts/me/device-passwords/<int:device_password_id>/revoke/",
        openrosa_views.device_password_revoke_page,
        name="device_password_revoke",
    ),
    path("accounts/me/export/", account_views.data_export_start, name="account_data_export"),
    path("people/<int:user_id>/", account_views.profile_detail, name="profile_detail"),
    path("jobs/", core_views.job_list, name="job_list"),
    path("jobs/<uuid:job_id>/", core_views.job_detail, name="job_detail"),
    path("jobs/<uuid:job_id>/result.json", core_views.job_result, name="job_result"),
    path("audit/", core_views.audit_log, name="audit_log"),
    # Before projects: the URL order PPSR had inside projects (its paths match no other).
    path("", include("cslab.ppsr.urls")),
    path("", include("cslab.consent.urls")),
    path("", include("cslab.participants.urls")),
    path("", include("cslab.impact.urls")),
    path("", include("cslab.exports.urls")),
    path("", include("cslab.privacy.urls")),
    path("", include("cslab.projects.urls")),
    path("", include("cslab.forms.urls")),
    path("", include("cslab.media.urls")),
    path("", include("cslab.observations.urls")),
    path("", include("cslab.classification.urls")),
    path("", include("cslab.consensus.urls")),
    path("openrosa/", include("cslab.openrosa.urls")),
    path("", include("cslab.questions.urls")),
    path("", include("cslab.notifications.urls")),
    path("", include("cslab.hub.urls")),
    path("", include("cslab.events.urls")),
    path("", include("cslab.training.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "cslab.api.errors.bad_request"
handler404 = "cslab.api.errors.page_not_found"
handler500 = "cslab.api.errors.server_error"
