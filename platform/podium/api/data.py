"""GET /api/v1/tasks/{slug}/data/{subtask}/{split}/: a split's public inputs, resumable.

The same bytes as the web page's download (the inputs, stamped with the task's canary), with
what a client needs to resume and verify a large download over a flaky connection:
`Content-Length`, an `ETag`, and `Range: bytes=N-` answered with 206 (with `If-Range`, a resume
against a replaced file gets the whole new file instead of a corrupt splice).

The stamped file is generated row by row, never held in memory; its length is computed by one
pass and cached under the ETag, which changes whenever the stored file or the canary does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from django.core.cache import cache
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated

from podium.sharedtasks.selectors import visible_tasks
from podium.teams.selectors import download_refusal
from podium.web.downloads import inputs_dataset, inputs_filename, inputs_stream

from .base import ApiError, PodiumAPIView, not_found
from .errors import error_responses

RANGE = re.compile(r"bytes=(\d+)-")
LENGTH_CACHE_SECONDS = 24 * 3600


def _etag(dataset, canary: str) -> str:
    source = f"{dataset.pk}:{dataset.inputs.name}:{dataset.split}:{canary}".encode()
    return '"' + hashlib.sha256(source).hexdigest()[:32] + '"'


def _length(dataset, canary: str, etag: str) -> int:
    key = f"podium:inputs-length:{etag}"
    length = cache.get(key)
    if length is None:
        length = sum(len(chunk) for chunk in inputs_stream(dataset, canary=canary))
        cache.set(key, length, LENGTH_CACHE_SECONDS)
    return length


def _from_offset(chunks: Iterator[bytes], offset: int) -> Iterator[bytes]:
    for chunk in chunks:
        if offset >= len(chunk):
            offset -= len(chunk)
            continue
        yield chunk[offset:] if offset else chunk
        offset = 0


class DataDownloadView(PodiumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="tasks_data_retrieve",
        summary="Download a split's public inputs (JSON lines, resumable)",
        description=(
            "Approved participants and organisers. Every row carries the task's `canary`. "
            "Send `Range: bytes=N-` (with `If-Range: <ETag>`) to resume from byte N: the answer "
            "is 206 with `Content-Range`, or 200 with the whole file when the ETag changed."
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
        etag = _etag(dataset, task.canary)
        length = _length(dataset, task.canary, etag)
        offset = self._offset(request, etag, length)
        chunks = inputs_stream(dataset, canary=task.canary)
        response = StreamingHttpResponse(
            _from_offset(chunks, offset) if offset else chunks,
            content_type="application/x-ndjson",
            status=206 if offset else 200,
        )
        response["Content-Length"] = str(length - offset)
        if offset:
            response["Content-Range"] = f"bytes {offset}-{length - 1}/{length}"
        response["ETag"] = etag
        response["Accept-Ranges"] = "bytes"
        response["Content-Disposition"] = (
            f'attachment; filename="{inputs_filename(subtask_obj, split)}"'
        )
        return response

    @staticmethod
    def _offset(request, etag: str, length: int) -> int:
        """Where to start: 0 without a usable Range, or when If-Range names an older file."""
        header = request.headers.get("Range")
        if not header:
            return 0
        if_range = request.headers.get("If-Range")
        if if_range is not None and if_range != etag:
            return 0
        match = RANGE.fullmatch(header.strip())
        if match is None:
            # Only "from byte N to the end" is served: other forms get the whole file (RFC 9110).
            return 0
        offset = int(match.group(1))
        if offset >= length:
            raise ApiError(
                f"The file has {length} bytes; nothing is left from byte {offset}.",
                code="range_not_satisfiable",
                status_code=416,
            )
        return offset
