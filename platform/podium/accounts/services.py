"""API tokens of the profile page: create one, or revoke it (scripts using it stop working)."""

from __future__ import annotations

from rest_framework.authtoken.models import Token


def api_token_create(*, user) -> Token:
    """The user's token, created if they have none (DRF keeps one token per user)."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user) -> bool:
    """Delete the user's token; returns whether there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
