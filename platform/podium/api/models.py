"""What the API itself stores: the responses of idempotent requests."""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` a user sent with a submission upload, and the response it got.

    A retried upload with the same key gets this response again instead of a second submission,
    for PODIUM_IDEMPOTENCY_KEY_HOURS after the first; then the key expires. Only successful
    creations are kept: a refused upload changed nothing, so a retry with the same
    key is simply tried again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of what was sent (phase, subtask, team, texts, the file's sha256): the same key with
    # another request is refused rather than answered with the first request's result.
    fingerprint = models.CharField(max_length=64)
    submission = models.ForeignKey(
        "submissions.Submission", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Also what makes a concurrent duplicate wait: its INSERT blocks on this index until
            # the first request commits (then it replays) or rolls back (then it runs).
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_per_user"),
        ]
        # The hourly sweep of expired keys (idempotency.idempotency_keys_expire).
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
