from django.urls import path

from cslab.questions import views

urlpatterns = [
    path("questions/", views.question_board, name="question_board"),
    path("questions/propose/", views.question_propose, name="question_propose"),
    path("questions/similar/", views.question_similar, name="question_similar"),
    path("questions/triage/", views.question_triage, name="question_triage"),
    path("questions/mine/", views.question_list_mine, name="question_list_mine"),
    path("questions/<int:question_id>/", views.question_detail, name="question_detail"),
    path("questions/<int:question_id>/support/", views.question_support, name="question_support"),
    path("questions/<int:question_id>/follow/", views.question_follow, name="question_follow"),
    path("questions/<int:question_id>/comments/", views.question_comment, name="question_comment"),
    path(
        "questions/<int:question_id>/decide/<slug:action>/",
        views.question_decide,
        name="question_decide",
    ),
    path(
        "questions/comments/<int:comment_id>/flag/",
        views.question_comment_flag,
        name="question_comment_flag",
    ),
    path(
        "questions/comments/<int:comment_id>/moderate/",
        views.question_comment_moderate,
        name="question_comment_moderate",
    ),
    path(
        "projects/<slug:slug>/questions/",
        views.project_question_board,
        name="project_question_board",
    ),
]
