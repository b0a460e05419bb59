"""Failed logins per client address and per username, for the login page and the token API.

DRF's SimpleRateThrottle is used for its sliding window kept in Django's cache (the rates read
as "10/hour", a cache shared by all web processes when CACHE_URL names Redis), fed with failures
only: a successful login costs nothing, and a correct password does not lift a block. We chose it
over django-axes, which does the same with its own models, middleware and authentication backend
wrapped around every authenticate() call: more moving parts than two counters need, and this way
the address comes from the same trusted-proxy rule (client_address) as every other limit.
"""

from __future__ import annotations

import hashlib
import math

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

ADDRESS_SCOPE = "login_address"
USERNAME_SCOPE = "login_username"


class FailedLogins(SimpleRateThrottle):
    """The failures of one address or one username within the scope's window."""

    cache_format = "failed-login:%(scope)s:%(ident)s"

    def __init__(self, scope: str, ident: str):
        self.scope = scope
        # Read at call time, not import time: tests and reloads may change the rates.
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        super().__init__()
        self.key = self.cache_format % {"scope": scope, "ident": ident}
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]

    def exhausted(self) -> bool:
        return len(self.history) >= self.num_requests

    def record(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history[: self.num_requests], self.duration)

    def minutes_left(self) -> int:
        return max(1, math.ceil((self.history[-1] + self.duration - self.now) / 60))


def _counters(address: str, username: str) -> list[tuple[str, FailedLogins]]:
    counters = [("address", FailedLogins(ADDRESS_SCOPE, address))]
    if username:
        # Case-folded: "Alice" and "alice" are one account to the attacker's guesses. Hashed: a
        # typed username may hold characters that are no valid cache key (spaces, controls).
        folded = username.casefold()[:150].encode("utf-8", errors="replace")
        counters.append(
            ("username", FailedLogins(USERNAME_SCOPE, hashlib.sha256(folded).hexdigest()))
        )
    return counters


def login_refusal(*, address: str, username: str) -> str | None:
    """Why a login attempt is refused before its password is checked, or None."""
    for what, counter in _counters(address, username):
        if counter.exhausted():
            source = "from your address" if what == "address" else "for this username"
            return (
                f"Too many failed logins {source}. Try again in {counter.minutes_left()} "
                "minute(s), or reset your password."
            )
    return None


def login_failure_record(*, address: str, username: str) -> None:
    for _, counter in _counters(address, username):
        counter.record()
