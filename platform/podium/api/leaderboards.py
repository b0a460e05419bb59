"""Leaderboards of a phase (JSON or CSV), and the organisers' reveal."""

from __future__ import annotations

from functools import partial

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from podium.leaderboards.boards import Leaderboard, RenderedBoard
from podium.leaderboards.exports import (
    JSON_ROWS_VERSION,
    leaderboard_csv,
    leaderboard_json_head,
    leaderboard_json_rows,
)
from podium.leaderboards.selectors import leaderboard, leaderboard_rendered
from podium.leaderboards.services import phase_reveal
from podium.leaderboards.visibility import LeaderboardNotVisible, PartitionNotAvailable
from podium.sharedtasks.models import Phase, SharedTask
from podium.sharedtasks.selectors import visible_phases

from .base import ApiError, PodiumAPIView, not_found
from .errors import error_responses

# The rows of the JSON answer are rendered once per snapshot build (a snapshot part, registered
# in ApiConfig.ready) with the renderer the view answers with, so a read only writes the head.
ROWS_PART = "api_rows"
ROWS_PART_VERSION = f"{JSON_ROWS_VERSION}.1"  # the exports' row shape . this renderer


def rows_json(board: Leaderboard) -> str:
    """The snapshot part: the `rows` of the JSON answer, as JSONRenderer writes them."""
    return renderers.JSONRenderer().render(leaderboard_json_rows(board.rows)).decode()


def _json_answer(rendered: RenderedBoard) -> HttpResponse:
    """Byte for byte what `Response(leaderboard_json(board))` renders: the head, then "rows"."""
    head = renderers.JSONRenderer().render(leaderboard_json_head(rendered.head))
    body = b"".join([head[:-1], b',"rows":', rendered.part.encode(), b"}"])
    return HttpResponse(body, content_type=renderers.JSONRenderer.media_type)


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="Null: no primary score.")
    team = serializers.CharField(help_text='The team\'s name, or "Baseline: <method>".')
    team_id = serializers.IntegerField(allow_null=True)
    is_baseline = serializers.BooleanField()
    submission = serializers.IntegerField()
    method = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    primary = serializers.FloatField(allow_null=True)
    metrics = serializers.DictField(child=serializers.FloatField(allow_null=True))
    groups = serializers.DictField(
        child=serializers.DictField(
            child=serializers.DictField(child=serializers.FloatField(allow_null=True))
        ),
        help_text="{group field: {group value: {metric: value}}}",
    )


class LeaderboardSerializer(serializers.Serializer):
    """For the schema: the view answers podium.leaderboards.exports.leaderboard_json."""

    task = serializers.CharField()
    phase = serializers.CharField()
    subtask = serializers.CharField()
    partition = serializers.CharField()
    requested_partition = serializers.CharField()
    selection = serializers.CharField()
    primary_metric = serializers.CharField()
    direction = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    group_values = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    note = serializers.CharField(allow_blank=True)
    generated_at = serializers.DateTimeField()
    rows = LeaderboardRowSerializer(many=True)

    class Meta:
        ref_name = "Leaderboard"


class CSVRenderer(renderers.BaseRenderer):
    """Lets `?format=csv` and `Accept: text/csv` through content negotiation; the view builds
    the CSV itself from the leaderboards export."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, (str, bytes)) else b""


class LeaderboardView(PodiumAPIView):
    permission_classes = [AllowAny]
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="phases_leaderboard_retrieve",
        summary="The ranked rows of a phase's leaderboard",
        parameters=[
            OpenApiParameter(
                "subtask",
                OpenApiTypes.STR,
                description="Subtask slug (optional when the task has one subtask).",
            ),
            OpenApiParameter(
                "partition",
                OpenApiTypes.STR,
                enum=["public", "private"],
                description="Default public.",
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(response=LeaderboardSerializer),
            (200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR),
            **error_responses(
                400,
                403,
                404,
                e400="Unknown subtask or partition",
                e403="Not visible (yet): the message says when",
                e404="No such phase",
            ),
        },
    )
    def get(self, request, pk: int):
        phase = visible_phases(request.user).filter(pk=pk).first()
        if phase is None:
            raise not_found(f"No phase with id {pk}.")
        subtasks = list(phase.task.subtasks.all())
        slug = request.query_params.get("subtask")
        if slug is None and len(subtasks) == 1:
            subtask = subtasks[0]
        else:
            subtask = next((s for s in subtasks if s.slug == slug), None)
        if subtask is None:
            known = ", ".join(s.slug for s in subtasks)
            raise ApiError(f"Say which subtask: ?subtask= one of {known}.", code="unknown_subtask")
        partition = request.query_params.get("partition", "public")
        as_csv = request.accepted_renderer.format == CSVRenderer.format
        read = leaderboard if as_csv else partial(leaderboard_rendered, part=ROWS_PART)
        try:
            board = read(phase=phase, subtask=subtask, partition=partition, viewer=request.user)
        except LeaderboardNotVisible as exc:
            raise ApiError(str(exc), code="not_visible", status_code=403) from exc
        except PartitionNotAvailable as exc:
            raise ApiError(str(exc), code="bad_partition") from exc
        if isinstance(board, RenderedBoard):
            return _json_answer(board)
        response = HttpResponse(leaderboard_csv(board), content_type="text/csv; charset=utf-8")
        name = f"{board.task_slug}-{board.phase_slug}-{board.subtask_slug}-{board.partition}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class PhaseRevealView(PodiumAPIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        revealed_at = serializers.DateTimeField()

        class Meta:
            ref_name = "PhaseRevealed"

    @extend_schema(
        operation_id="phases_reveal_create",
        summary="Reveal the phase's rankings (organisers)",
        request=None,
        responses={
            200: OutputSerializer,
            **error_responses(401, 403, 404, e404="No such phase that you organise"),
        },
    )
    def post(self, request, pk: int):
        # Organisers of other tasks get the same 404 as for a phase that does not exist.
        tasks = SharedTask.objects.organised_by(request.user)
        phase = Phase.objects.select_related("task").filter(pk=pk, task__in=tasks).first()
        if phase is None:
            raise not_found(f"No phase with id {pk} that you organise.")
        phase_reveal(phase=phase, by=request.user)
        return Response(self.OutputSerializer(phase).data)
