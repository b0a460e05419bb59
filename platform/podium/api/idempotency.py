"""`Idempotency-Key` on submission uploads: a retried upload creates one submission, not two.

A client that lost the answer to an upload (a timeout, a dropped connection) sends the same
request again with the same key. The first request's key row is inserted in the transaction that
creates the submission, so:

- a retry after the first committed finds the row and gets the stored response again;
- a concurrent duplicate's INSERT waits on the unique index until the first commits (then it
  replays) or rolls back (then it runs as if it were the first);
- a refused upload rolls its key row back with everything else: the key can be used again.

Keys belong to a user: two users may send the same key. The same key with a different request
(another file, phase or subtask) is refused with 422, never answered with the other's result.

A key lives PODIUM_IDEMPOTENCY_KEY_HOURS (24 by default, as Stripe keeps its keys): long enough for
any retry, short enough that the table does not grow with every upload ever made. Past that it
counts as never sent (a request with it creates anew), and beat removes it every hour
(idempotency_keys_expire, podium.api.jobs).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status

from podium.submissions.models import Submission

from .base import ApiError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Visible ASCII only: a UUID, a hash or any token a script makes up.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
REPLAY_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class Created:
    status: int
    body: dict
    submission: Submission | None


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    replayed: bool


def idempotency_key(request) -> str | None:
    """The request's key, None without one, or a 400 for a malformed one."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise ApiError(
            f"{HEADER}: 1 to {MAX_KEY_LENGTH} visible ASCII characters (e.g. a UUID) are expected.",
            code="invalid_idempotency_key",
        )
    return key


def request_fingerprint(*, fields: dict, upload: UploadedFile) -> str:
    """sha256 of the request's fields and file: what makes two requests 'the same'."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    canonical = json.dumps({**fields, "file_sha256": digest.hexdigest()}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def expired_before(now: datetime | None = None) -> datetime:
    """Keys created before this moment have expired."""
    hours = settings.PODIUM_IDEMPOTENCY_KEY_HOURS
    return (now or timezone.now()) - timedelta(hours=hours)


def idempotency_keys_expire(*, now: datetime | None = None) -> int:
    """Remove the expired keys (their submissions stay); returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=expired_before(now)).delete()
    return deleted


def submission_create_once(
    *, user, key: str, fingerprint: str, create: Callable[[], Created]
) -> Answer:
    """Run `create` once per (user, key) within the key's lifetime; later calls with the key get
    its stored answer."""
    with transaction.atomic():
        # An expired key not yet swept is forgotten here, so that it behaves as a new one. Two
        # concurrent requests with it: both delete (the second waits on the row, then finds
        # nothing), both insert, and the unique index makes the second replay the first.
        IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=expired_before()).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, key=key, fingerprint=fingerprint, response_status=0, response_body={}
                )
        except IntegrityError:
            record = None
        if record is None:
            return _replay(user=user, key=key, fingerprint=fingerprint)
        created = create()
        record.response_status = created.status
        record.response_body = created.body
        record.submission = created.submission
        record.save(update_fields=["response_status", "response_body", "submission"])
        return Answer(status=created.status, body=created.body, replayed=False)


def _replay(*, user, key: str, fingerprint: str) -> Answer:
    stored = IdempotencyKey.objects.get(user=user, key=key)
    if stored.fingerprint != fingerprint:
        raise ApiError(
            f"This {HEADER} was already used for a different upload; use a new key for a new "
            "submission.",
            code="idempotency_key_reused",
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Answer(status=stored.response_status, body=stored.response_body, replayed=True)
