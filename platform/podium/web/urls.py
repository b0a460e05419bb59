from django.urls import path
from django.views.generic import RedirectView

from .views import data, results, submissions, submit, tasks, teams
from .views.detailed_results import submission_detailed

app_name = "web"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:task-list"), name="home"),
    path("tasks/", tasks.task_list, name="task-list"),
    path("tasks/<slug:slug>/", tasks.task_detail, name="task-detail"),
    path("tasks/<slug:slug>/register/", tasks.task_register, name="task-register"),
    path("tasks/<slug:slug>/submit/", submit.submit, name="submit"),
    path("tasks/<slug:slug>/submissions/", submissions.submissions, name="submissions"),
    path(
        "tasks/<slug:slug>/submissions/table/",
        submissions.submissions_table,
        name="submissions-table",
    ),
    path(
        "tasks/<slug:slug>/submissions/<int:pk>/file/",
        submissions.submission_file,
        name="submission-file",
    ),
    path(
        "tasks/<slug:slug>/submissions/<int:pk>/final/",
        submissions.submission_final,
        name="submission-final",
    ),
    path(
        "tasks/<slug:slug>/submissions/<int:pk>/detailed/",
        submission_detailed,
        name="submission-detailed",
    ),
    path("tasks/<slug:slug>/results/", results.results, name="results"),
    path(
        "tasks/<slug:slug>/results/<slug:phase>/<slug:subtask>.csv",
        results.results_csv,
        name="results-csv",
    ),
    path(
        "tasks/<slug:slug>/results/<slug:phase>/<slug:subtask>.tex",
        results.results_tex,
        name="results-tex",
    ),
    path(
        "tasks/<slug:slug>/results/<slug:phase>/reveal/",
        results.results_reveal,
        name="results-reveal",
    ),
    path("tasks/<slug:slug>/results/<slug:phase>/hide/", results.results_hide, name="results-hide"),
    path(
        "tasks/<slug:slug>/data/<slug:subtask>/<slug:split>/",
        data.data_download,
        name="data-download",
    ),
    path(
        "tasks/<slug:slug>/files/<slug:subtask>/<slug:split>/<slug:kind>/",
        data.file_download,
        name="file-download",
    ),
    path("teams/", teams.team, name="team"),
    path("teams/create/", teams.team_create_view, name="team-create"),
    path("teams/join/", teams.team_join_view, name="team-join"),
    path("teams/join/<str:code>/", teams.team_join_link, name="team-join-link"),
    path("teams/rename/", teams.team_rename_view, name="team-rename"),
    path("teams/leave/", teams.team_leave_view, name="team-leave"),
    path("teams/handover/", teams.team_handover_view, name="team-handover"),
    path("teams/invite/rotate/", teams.team_rotate_view, name="team-rotate"),
]
