"""Streaming a split's public inputs, stamped with the task's canary, with HTTP Range support.

Only `Dataset.inputs` is ever opened here: the queryset defers `gold`, and nothing in this module
names it, so no download path can reach the gold file.

Both download views (the web page's, which the API catalogue lists as `downloads[].url`, and
GET /api/v1/tasks/{slug}/data/...) answer through `inputs_response`: `Content-Length`, an `ETag`,
`Accept-Ranges: bytes`, and one byte range (`bytes=A-B`, `bytes=A-`, `bytes=-N`) answered with
206 and `Content-Range`, so an interrupted download of a large file resumes (curl -C -, wget -c)
instead of starting again. With `If-Range`, a resume against a replaced file gets the whole new
file instead of a corrupt splice. Several ranges at once, or a malformed header, get the whole
file (200), as RFC 9110 allows; a range starting past the end is refused with 416.

The stamped file is generated row by row, never held in memory; its length is computed by one
pass and cached under the ETag, which changes whenever the stored file or the canary does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, StreamingHttpResponse

from podium.sharedtasks.models import Dataset, Subtask
from podium.sharedtasks.specs import PARTITION_FIELD

CANARY_KEY = "canary"
RANGE = re.compile(r"bytes=(\d*)-(\d*)")
LENGTH_CACHE_SECONDS = 24 * 3600


def inputs_dataset(subtask: Subtask, split: str) -> Dataset | None:
    dataset = (
        Dataset.objects.defer("gold")
        .filter(subtask=subtask, split=split)
        .exclude(inputs="")
        .first()
    )
    return dataset


def inputs_filename(subtask: Subtask, split: str) -> str:
    return f"{subtask.task.slug}-{subtask.slug}-{split}.jsonl"


def inputs_stream(dataset: Dataset, *, canary: str) -> Iterator[bytes]:
    """The inputs JSONL, one row at a time, each row with `"canary"` added.

    Every copy of the data then carries the marker, so leaked test data can be traced (and
    crawlers that honour canaries keep it out of training corpora).
    """
    storage = dataset.inputs.storage
    with storage.open(dataset.inputs.name, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            if dataset.split != Dataset.Split.TRAIN:
                # Import refuses such files; this keeps a hand-edited store from leaking either.
                for answer in {dataset.subtask.value_field, *dataset.subtask.answer_fields}:
                    row.pop(answer, None)
                row.pop(PARTITION_FIELD, None)
            row[CANARY_KEY] = canary
            yield (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")


def inputs_etag(dataset: Dataset, canary: str) -> str:
    # The stored size too: a file rewritten in place under the same name (by hand, or a storage
    # that overwrites) must not be spliced onto a resume, nor served with the old length.
    stored = f"{dataset.inputs.name}:{dataset.inputs.size}"
    source = f"{dataset.pk}:{stored}:{dataset.split}:{canary}".encode()
    return '"' + hashlib.sha256(source).hexdigest()[:32] + '"'


def inputs_length(dataset: Dataset, canary: str, etag: str) -> int:
    """The stamped file's size in bytes (one pass over it, then cached under its ETag)."""
    key = f"podium:inputs-length:{etag}"
    length = cache.get(key)
    if length is None:
        length = sum(len(chunk) for chunk in inputs_stream(dataset, canary=canary))
        cache.set(key, length, LENGTH_CACHE_SECONDS)
    return length


class RangeNotSatisfiable(Exception):
    """The requested range starts past the end of the file; the message says why."""

    def __init__(self, message: str, length: int):
        super().__init__(message)
        self.length = length


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range


def byte_range(request: HttpRequest, *, etag: str, length: int) -> ByteRange | None:
    """The one range to serve, or None for the whole file.

    None without a Range header, when If-Range names another version of the file, and for what
    is not a single valid byte range (several ranges, other units, B < A): a server may ignore
    those and answer 200 (RFC 9110, 14.2). Raises RangeNotSatisfiable for a range that selects
    nothing: a start at or past the end, or a suffix of zero bytes.
    """
    header = request.headers.get("Range")
    if not header:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        return None
    match = RANGE.fullmatch(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # bytes=-N: the last N bytes
        suffix = int(last)
        if suffix == 0 or length == 0:
            raise RangeNotSatisfiable(
                f"The file has {length} bytes; a suffix of {suffix} selects nothing.", length
            )
        return ByteRange(max(0, length - suffix), length - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # not a valid range: ignored
    if start >= length:
        raise RangeNotSatisfiable(
            f"The file has {length} bytes; nothing is left from byte {start}.", length
        )
    return ByteRange(start, min(int(last), length - 1) if last else length - 1)


def _slice(chunks: Iterator[bytes], start: int, end: int) -> Iterator[bytes]:
    """Bytes start..end (inclusive) of the stream; stops reading once past `end`."""
    position = 0
    for chunk in chunks:
        following = position + len(chunk)
        if following > start:
            yield chunk[max(0, start - position) : end + 1 - position]
        if following > end:
            return
        position = following


def inputs_response(
    request: HttpRequest, *, dataset: Dataset, subtask: Subtask, split: str, canary: str
) -> StreamingHttpResponse:
    """The stamped inputs, whole (200) or the requested range (206); the caller has checked
    that the user may download them. Raises RangeNotSatisfiable (the caller answers 416 in its
    own error format, with `unsatisfiable_headers`)."""
    etag = inputs_etag(dataset, canary)
    length = inputs_length(dataset, canary, etag)
    wanted = byte_range(request, etag=etag, length=length)
    chunks = inputs_stream(dataset, canary=canary)
    if wanted is None:
        response = StreamingHttpResponse(chunks, content_type="application/x-ndjson")
        response["Content-Length"] = str(length)
    else:
        response = StreamingHttpResponse(
            _slice(chunks, wanted.start, wanted.end),
            content_type="application/x-ndjson",
            status=206,
        )
        response["Content-Length"] = str(wanted.end - wanted.start + 1)
        response["Content-Range"] = f"bytes {wanted.start}-{wanted.end}/{length}"
    response["ETag"] = etag
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = f'attachment; filename="{inputs_filename(subtask, split)}"'
    return response


def _file_chunks(handle, start: int, end: int, block: int = 64 * 1024) -> Iterator[bytes]:
    """Bytes start..end (inclusive) of an open stored file, in blocks; closes it at the end."""
    try:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            chunk = handle.read(min(block, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def stored_file_response(
    request: HttpRequest, *, file, filename: str, etag: str, length: int
) -> StreamingHttpResponse:
    """A stored download file (a bundle's starting kit, say) as stored, whole (200) or the
    requested range (206), read from its storage in blocks; the caller has checked the user may
    download it. Raises RangeNotSatisfiable, like `inputs_response`."""
    wanted = byte_range(request, etag=etag, length=length)
    start, end = (0, length - 1) if wanted is None else (wanted.start, wanted.end)
    handle = file.storage.open(file.name, "rb")
    response = StreamingHttpResponse(
        _file_chunks(handle, start, end),
        content_type="application/octet-stream",
        status=200 if wanted is None else 206,
    )
    response["Content-Length"] = str(max(0, end - start + 1))
    if wanted is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{length}"
    response["ETag"] = etag
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def unsatisfiable_headers(exc: RangeNotSatisfiable) -> dict[str, str]:
    """What a 416 carries besides its message: the file's size (RFC 9110, 15.5.17)."""
    return {"Content-Range": f"bytes */{exc.length}", "Accept-Ranges": "bytes"}
