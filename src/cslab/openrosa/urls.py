"""URLs of the OpenRosa server (included under /openrosa/)."""

from django.urls import path

from cslab.openrosa import views

urlpatterns = [
    path("key/<str:token>/<slug:slug>/formList", views.form_list, name="openrosa_key_form_list"),
    path(
        "key/<str:token>/<slug:slug>/forms/<str:form_id>.xml",
        views.form_download,
        name="openrosa_key_form_download",
    ),
    path(
        "key/<str:token>/<slug:slug>/forms/<str:form_id>/manifest",
        views.form_manifest,
        name="openrosa_key_form_manifest",
    ),
    path(
        "key/<str:token>/<slug:slug>/submission",
        views.submission,
        name="openrosa_key_submission",
    ),
    path("<slug:slug>/formList", views.form_list, name="openrosa_form_list"),
    path("<slug:slug>/forms/<str:form_id>.xml", views.form_download, name="openrosa_form_download"),
    path(
        "<slug:slug>/forms/<str:form_id>/manifest",
        views.form_manifest,
        name="openrosa_form_manifest",
    ),
    path("<slug:slug>/submission", views.submission, name="openrosa_submission"),
    path("<slug:slug>/app-users/", views.app_user_create_page, name="openrosa_app_user_create"),
    path(
        "<slug:slug>/app-users/<int:app_user_id>/revoke",
        views.app_user_revoke_page,
        name="openrosa_app_user_revoke",
    ),
]
