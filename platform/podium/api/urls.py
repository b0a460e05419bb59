from django.urls import path, re_path

from . import auth, base, data, leaderboards, me, submissions, tasks

app_name = "api"

urlpatterns = [
    path("auth/token/", auth.TokenObtainView.as_view(), name="token"),
    path("me/", me.MeView.as_view(), name="me"),
    path("tasks/", tasks.TaskListView.as_view(), name="task-list"),
    path("tasks/<slug:slug>/", tasks.TaskDetailView.as_view(), name="task-detail"),
    path(
        "tasks/<slug:slug>/data/<slug:subtask>/<slug:split>/",
        data.DataDownloadView.as_view(),
        name="task-data",
    ),
    path("submissions/", submissions.SubmissionListCreateView.as_view(), name="submission-list"),
    path(
        "submissions/<int:pk>/",
        submissions.SubmissionDetailView.as_view(),
        name="submission-detail",
    ),
    path(
        "submissions/<int:pk>/file/",
        submissions.SubmissionFileView.as_view(),
        name="submission-file",
    ),
    path(
        "phases/<int:pk>/leaderboard/",
        leaderboards.LeaderboardView.as_view(),
        name="phase-leaderboard",
    ),
    path("phases/<int:pk>/reveal/", leaderboards.PhaseRevealView.as_view(), name="phase-reveal"),
    # Last: whatever matched nothing above gets a JSON 404 (resolved, so APPEND_SLASH stays out).
    re_path(r"^(?P<unmatched>[\s\S]*)$", base.unknown_endpoint),
]
