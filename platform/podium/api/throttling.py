"""Rate limits and the headers that say what is left of them.

Every API view is throttled per user (per client address when anonymous) at PODIUM_API_RATE;
the token view also at PODIUM_AUTH_RATE per address. Each answer then carries

- `X-RateLimit-Limit`: requests allowed in the window,
- `X-RateLimit-Remaining`: requests left in it,
- `X-RateLimit-Reset`: seconds until the oldest counted request leaves the window (and
  `Remaining` grows by one; the window slides, it does not restart),

for the throttle closest to its limit, and a refused request (429) carries `Retry-After`. The
headers come from the throttles DRF itself ran, so a view with other throttle classes reports
them too.
"""

from __future__ import annotations

import math

from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, UserRateThrottle

from podium.accounts.client_address import client_address

LIMIT = "X-RateLimit-Limit"
REMAINING = "X-RateLimit-Remaining"
RESET = "X-RateLimit-Reset"


class ClientAddressIdent:
    """Keys anonymous callers on the client address as podium.accounts.client_address finds it:
    DRF's own get_ident believes any X-Forwarded-For a client sends, so a forged header per
    request would give a fresh budget each time."""

    def get_ident(self, request) -> str:
        return client_address(request._request)


class ClientAddressThrottle(ClientAddressIdent, ScopedRateThrottle):
    """DRF's scoped throttle (a view's `throttle_scope`), per client address."""


class ApiRateThrottle(ClientAddressIdent, UserRateThrottle):
    """Per user, or per client address for anonymous callers (REST_FRAMEWORK's "api" rate)."""

    scope = "api"


def rate_limit_headers(throttles: list[BaseThrottle]) -> dict[str, str]:
    """The headers for the throttle with the fewest requests left; {} when none counted."""
    tightest: tuple[int, int, int] | None = None
    for throttle in throttles:
        # SimpleRateThrottle sets these while counting; a throttle without a rate, or one that
        # does not apply to this caller, counted nothing.
        history = getattr(throttle, "history", None)
        limit = getattr(throttle, "num_requests", None)
        duration = getattr(throttle, "duration", None)
        if history is None or not limit or not duration:
            continue
        remaining = max(limit - len(history), 0)
        reset = math.ceil(duration - (throttle.now - history[-1])) if history else 0
        candidate = (remaining, limit, reset)
        if tightest is None or candidate[0] < tightest[0]:
            tightest = candidate
    if tightest is None:
        return {}
    remaining, limit, reset = tightest
    reset = max(reset, 0)
    return {LIMIT: str(limit), REMAINING: str(remaining), RESET: str(reset)}
