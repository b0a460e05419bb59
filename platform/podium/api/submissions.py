"""Submissions: upload, list, read, and download one's own file.

Reads answer 404, not 403, to anyone who is not in the submitting team, an organiser of the task
or a superuser: a stranger cannot even learn that a submission id exists.
"""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from podium.leaderboards.visible_scores import ScoreView
from podium.sharedtasks.models import Phase
from podium.sharedtasks.selectors import visible_phases
from podium.submissions.early_refusal import early_size_refusal
from podium.submissions.models import Submission
from podium.submissions.quotas import team_quota
from podium.submissions.selectors import (
    allowance,
    submission_file_open,
    team_submissions,
    visible_submissions,
)
from podium.submissions.uploads import submission_create

from .base import ApiError, PodiumAPIView, not_found, refused
from .errors import error_responses
from .idempotency import (
    HEADER,
    REPLAY_HEADER,
    Created,
    idempotency_key,
    request_fingerprint,
    submission_create_once,
)

ERRORS = error_responses(400, 401, 404)


class SubmissionSerializer(serializers.Serializer):
    """A submission as its team (or an organiser) sees it: never the organiser-only log."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    task = serializers.CharField(source="phase.task.slug")
    phase = serializers.IntegerField(source="phase_id")
    subtask = serializers.CharField(source="subtask.slug")
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    method_name = serializers.CharField()
    description = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(help_text="Participant-safe: never gold, never private ids.")
    scores = serializers.SerializerMethodField()
    scores_note = serializers.SerializerMethodField()

    def get_scores(self, submission: Submission) -> dict[str, dict]:
        """{partition: {"overall": {metric: value}, "groups": {field: {group: {metric: value}}}}}"""
        return self.context["scores"].scores(submission)

    def get_scores_note(self, submission: Submission) -> str:
        return self.context["scores"].note(submission)


def _target_phase(user, *, phase: str, task: str | None) -> Phase:
    """The phase named by id, or by slug within `task` (task=demo-mgt, phase=dev)."""
    phases = visible_phases(user)
    is_id = phase.isascii() and phase.isdigit() and len(phase) < 19  # fits a bigint
    key = {"pk": int(phase)} if is_id else {"slug": phase}
    if task is not None:
        found = phases.filter(task__slug=task, **key).first()
        if found is None:
            raise ApiError(
                f"The task {task!r} has no phase {phase!r} (GET /api/v1/tasks/{task}/ lists them).",
                code="unknown_phase",
            )
        return found
    if not is_id:
        raise ApiError(
            f"phase: {phase!r} is not a phase id; to name a phase by its slug, send task too.",
            code="unknown_phase",
        )
    found = phases.filter(**key).first()
    if found is None:
        raise ApiError(f"No phase with id {phase}.", code="unknown_phase")
    return found


class SubmissionListCreateView(PodiumAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        phase = serializers.CharField(
            help_text="The phase id (see GET /api/v1/tasks/), or its slug together with `task`."
        )
        task = serializers.SlugField(
            required=False, help_text="The task slug; with it, `phase` may be a phase slug."
        )
        subtask = serializers.SlugField(help_text="The subtask slug.")
        # Empty files pass here so that the caller gets the service's own message.
        file = serializers.FileField(allow_empty_file=True)
        method_name = serializers.CharField(required=False, allow_blank=True, default="")
        description = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "SubmissionCreateInput"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()
        sha256 = serializers.CharField()
        size = serializers.IntegerField()
        phase = serializers.IntegerField(source="phase_id")
        subtask = serializers.CharField(source="subtask.slug")
        method_name = serializers.CharField()
        description = serializers.CharField()
        created_at = serializers.DateTimeField()
        submissions_left_today = serializers.IntegerField(
            allow_null=True, help_text="Null: no daily or total limit."
        )
        resets_at = serializers.DateTimeField(help_text="When the daily count resets (UTC).")
        failed_left_today = serializers.IntegerField(
            allow_null=True, help_text="Failures allowed before uploads are refused for the day."
        )

        class Meta:
            ref_name = "SubmissionCreated"

    class ListOutputSerializer(serializers.Serializer):
        count = serializers.IntegerField()
        results = SubmissionSerializer(many=True)
        submissions_left_today = serializers.IntegerField(
            allow_null=True, help_text="With ?phase= only; null: unlimited or not registered."
        )
        resets_at = serializers.DateTimeField(allow_null=True)
        failed_left_today = serializers.IntegerField(
            allow_null=True, help_text="With ?phase=: failures allowed before uploads are refused."
        )
        refusal = serializers.CharField(help_text="With ?phase=: why your team may not submit.")

        class Meta:
            ref_name = "SubmissionList"

    def initial(self, request, *args, **kwargs):
        # Before authentication: session auth's CSRF check would parse (spool) the whole body.
        if request.method == "POST":
            too_large = early_size_refusal(request._request)
            if too_large is not None:
                raise refused(too_large)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="submissions_create",
        summary="Upload a prediction file",
        description=(
            "Send an `Idempotency-Key` header (e.g. a UUID) to make retries safe: the same key "
            "with the same request answers the first request's 201 again (with "
            "`Idempotent-Replayed: true`) instead of creating a second submission."
        ),
        request={"multipart/form-data": InputSerializer},
        parameters=[
            OpenApiParameter(
                HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="1 to 255 visible ASCII characters, unique per upload.",
            ),
            OpenApiParameter(
                REPLAY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[201],
                enum=["true"],
                description="Present when the answer is the replay of an earlier request.",
            ),
        ],
        responses={
            201: OutputSerializer,
            **error_responses(
                400,
                401,
                403,
                413,
                422,
                429,
                e403="Not registered, or the phase is closed",
                e429="Submission limit reached (the message says when it resets), or too many "
                "requests (see `Retry-After`)",
            ),
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = idempotency_key(request)
        if key is None:
            created = self._create(request, data)
            return Response(created.body, status=created.status)
        fields = {name: value for name, value in data.validated_data.items() if name != "file"}
        answer = submission_create_once(
            user=request.user,
            key=key,
            fingerprint=request_fingerprint(fields=fields, upload=data.validated_data["file"]),
            create=lambda: self._create(request, data),
        )
        headers = {REPLAY_HEADER: "true"} if answer.replayed else {}
        return Response(answer.body, status=answer.status, headers=headers)

    def _create(self, request, data: InputSerializer) -> Created:
        phase = _target_phase(
            request.user, phase=data.validated_data["phase"], task=data.validated_data.get("task")
        )
        slug = data.validated_data["subtask"]
        subtask = phase.task.subtasks.filter(slug=slug).first()
        if subtask is None:
            known = ", ".join(phase.task.subtasks.values_list("slug", flat=True))
            raise ApiError(
                f"The task {phase.task.slug!r} has no subtask {slug!r}; its subtasks are: {known}.",
                code="unknown_subtask",
            )
        submission = submission_create(
            user=request.user,
            phase=phase,
            subtask=subtask,
            upload=data.validated_data["file"],
            method_name=data.validated_data["method_name"],
            description=data.validated_data["description"],
        )
        quota = team_quota(team=submission.team, phase=phase)
        submission.submissions_left_today = quota.left_today
        submission.resets_at = quota.resets_at
        submission.failed_left_today = quota.failed_left_today
        body = self.OutputSerializer(submission).data
        return Created(status=status.HTTP_201_CREATED, body=body, submission=submission)

    @extend_schema(
        operation_id="submissions_list",
        summary="Your teams' submissions",
        parameters=[OpenApiParameter("phase", OpenApiTypes.INT, description="Only this phase.")],
        responses={200: ListOutputSerializer, **ERRORS},
    )
    def get(self, request):
        phase = None
        if "phase" in request.query_params:
            phase_id = request.query_params["phase"]
            if not phase_id.isdigit():
                raise ApiError("phase: a phase id (an integer) is expected.", code="invalid")
            phase = visible_phases(request.user).filter(pk=phase_id).first()
            if phase is None:
                raise not_found(f"No phase with id {phase_id}.")
        submissions = list(team_submissions(request.user, phase=phase))
        left = allowance(request.user, phase) if phase is not None else None
        body = {
            "count": len(submissions),
            "results": submissions,
            "submissions_left_today": left.left_today if left else None,
            "resets_at": left.resets_at if left else None,
            "failed_left_today": left.failed_left_today if left else None,
            "refusal": left.refusal if left else "",
        }
        context = {"scores": ScoreView(request.user)}
        return Response(self.ListOutputSerializer(body, context=context).data)


def _visible_submission(request, pk: int) -> Submission:
    submission = visible_submissions(request.user).prefetch_related("scores").filter(pk=pk).first()
    if submission is None:
        raise not_found(f"No submission {pk} that you may see.")
    return submission


class SubmissionDetailView(PodiumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="submissions_retrieve",
        summary="One submission: status, error and the scores you may see",
        responses={200: SubmissionSerializer, **ERRORS},
    )
    def get(self, request, pk: int):
        submission = _visible_submission(request, pk)
        context = {"scores": ScoreView(request.user)}
        return Response(SubmissionSerializer(submission, context=context).data)


class SubmissionFileView(PodiumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="submissions_file_retrieve",
        summary="Download the submitted file",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(response=OpenApiTypes.BINARY),
            **error_responses(401, 404),
        },
    )
    def get(self, request, pk: int):
        submission = _visible_submission(request, pk)
        handle = submission_file_open(submission)
        if handle is None:
            raise not_found(f"The file of submission {pk} is no longer stored.")
        suffix = Path(submission.file.name).suffix
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"submission-{submission.pk}{suffix}",
        )
