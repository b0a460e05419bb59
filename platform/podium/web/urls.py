from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("tasks/<slug:slug>/submit/", views.submit, name="submit"),
    path("tasks/<slug:slug>/submissions/", views.submissions, name="submissions"),
    path(
        "tasks/<slug:slug>/data/<slug:subtask>/<slug:split>/",
        views.data_download,
        name="data-download",
    ),
]
