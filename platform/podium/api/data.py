"""GET /api/v1/tasks/{slug}/data/{subtask}/{split}/: a split's public inputs, resumable.

The same bytes and the same answer as the web page's download (podium.web.downloads: the inputs,
stamped with the task's canary, with `Content-Length`, an `ETag`, and one byte range served with
206; with `If-Range`, a resume against a replaced file gets the whole new file instead of a
corrupt splice), with the API's JSON errors.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from podium.sharedtasks.selectors import visible_tasks
from podium.teams.selectors import download_refusal
from podium.web.downloads import (
    RangeNotSatisfiable,
    inputs_dataset,
    inputs_response,
    unsatisfiable_headers,
)

from .base import ApiError, PodiumAPIView, not_found
from .errors import error_responses


class DataDownloadView(PodiumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="tasks_data_retrieve",
        summary="Download a split's public inputs (JSON lines, resumable)",
        description=(
            "Approved participants and organisers. Every row carries the task's `canary`. "
            "Send `Range: bytes=N-` (with `If-Range: <ETag>`) to resume from byte N: the answer "
            "is 206 with `Content-Range`, or 200 with the whole file when the ETag changed. One "
            "range is served (`bytes=A-B`, `bytes=A-`, `bytes=-N`); several get the whole file; "
            "one starting past the end gets 416 with `Content-Range: bytes */LENGTH`."
        ),
        parameters=[
            OpenApiParameter(
                "split", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["train", "dev", "test"]
            ),
            OpenApiParameter("Range", OpenApiTypes.STR, OpenApiParameter.HEADER),
            OpenApiParameter("If-Range", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(response=OpenApiTypes.BINARY),
            (206, "application/x-ndjson"): OpenApiResponse(response=OpenApiTypes.BINARY),
            **error_responses(401, 403, 404, 416, 429),
        },
    )
    def get(self, request, slug: str, subtask: str, split: str):
        task = visible_tasks(request.user).filter(slug=slug).first()
        if task is None:
            raise not_found(f"No task {slug!r}.")
        subtask_obj = task.subtasks.filter(slug=subtask).first()
        if subtask_obj is None:
            raise not_found(f"The task {slug!r} has no subtask {subtask!r}.")
        refusal = download_refusal(request.user, task, split)
        if refusal:
            raise ApiError(refusal, code="permission_denied", status_code=403)
        dataset = inputs_dataset(subtask_obj, split)
        if dataset is None:
            raise not_found(f"Subtask {subtask!r} has no {split!r} data.")
        try:
            return inputs_response(
                request, dataset=dataset, subtask=subtask_obj, split=split, canary=task.canary
            )
        except RangeNotSatisfiable as exc:
            return Response(
                {"detail": str(exc), "code": "range_not_satisfiable"},
                status=416,
                headers=unsatisfiable_headers(exc),
            )
