"""Talking to the Podium API: authentication, retries with back-off, errors worded for people.

Retries: connection errors and 5xx answers are retried with exponential back-off (the server
or a proxy in front of it had a moment); a 4xx answer never is: the same request would get the
same refusal. A POST is retried only when it carries an `Idempotency-Key`, which the server
honours: the retried upload creates one submission, not two.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import httpx

from podium_client import __version__
from podium_client.config import Login

RETRIED_STATUSES = frozenset({500, 502, 503, 504})
MAX_WAIT = 30.0


class ApiError(Exception):
    """The server answered with an error: `detail` is its message for a person."""

    def __init__(self, status: int, code: str, detail: str, headers: httpx.Headers | None = None):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or httpx.Headers()


class Unreachable(Exception):
    """No usable answer after the retries (connection errors or 5xx)."""


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"podium: {name}={raw!r} is not a number") from None
    if value < 0:
        raise SystemExit(f"podium: {name} must not be negative")
    return value


def _error_of(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "detail" in body:
        return ApiError(
            response.status_code,
            str(body.get("code", "error")),
            str(body["detail"]),
            response.headers,
        )
    text = response.text.strip()[:200] or response.reason_phrase
    return ApiError(response.status_code, "error", text, response.headers)


class Api:
    """One server, one token; every request goes through `request` (and its retry policy)."""

    def __init__(
        self,
        login: Login,
        *,
        retries: int | None = None,
        backoff: float | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.login = login
        self.retries = int(_env_number("PODIUM_RETRIES", 4) if retries is None else retries)
        self.backoff = _env_number("PODIUM_RETRY_BACKOFF", 0.5) if backoff is None else backoff
        self.sleep = sleep
        headers = {"User-Agent": f"podium-client/{__version__}", "Accept": "application/json"}
        if login.token:
            headers["Authorization"] = f"Token {login.token}"
        self.http = httpx.Client(
            base_url=login.url, headers=headers, timeout=httpx.Timeout(timeout, connect=10.0)
        )

    def close(self) -> None:
        self.http.close()

    def wait_before_retry(self, attempt: int, response: httpx.Response | None) -> None:
        delay = min(self.backoff * 2**attempt, MAX_WAIT)
        after = response.headers.get("Retry-After") if response is not None else None
        if after and after.isdigit():
            delay = min(max(delay, float(after)), MAX_WAIT)
        self.sleep(delay)

    def send(
        self, method: str, path: str, *, retry: bool = True, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """The response (2xx/3xx; streamed if asked), or ApiError / Unreachable."""
        headers = kwargs.get("headers") or {}
        # A request that changes something is repeated only when the server can tell it is one.
        safe = method in ("GET", "HEAD") or "Idempotency-Key" in headers
        attempts = self.retries + 1 if retry and safe else 1
        last_problem = ""
        response: httpx.Response | None = None
        for attempt in range(attempts):
            if attempt:
                self.wait_before_retry(
                    attempt - 1, response if last_problem.startswith("HTTP") else None
                )
            response = None
            try:
                request = self.http.build_request(method, path, **kwargs)
                response = self.http.send(request, stream=stream)
            except httpx.TransportError as exc:
                last_problem = f"{exc.__class__.__name__}: {exc}" if str(exc) else repr(exc)
                continue
            if response.status_code in RETRIED_STATUSES:
                last_problem = f"HTTP {response.status_code}"
                if attempt + 1 < attempts:
                    response.close()
                    continue
            if response.status_code >= 400:
                if stream:
                    response.read()
                    response.close()
                error = _error_of(response)
                if response.status_code >= 500:
                    raise Unreachable(
                        f"{self.login.url} answered {response.status_code} ({error.detail}) "
                        f"after {attempts} attempt(s); try again later"
                    )
                raise error
            return response
        tried = f"{attempts} attempt(s)" if attempts > 1 else "one attempt (not retried)"
        raise Unreachable(f"cannot reach {self.login.url}: {last_problem} ({tried})")

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.send(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise Unreachable(
                f"{self.login.url}{path} did not answer JSON: is {self.login.url} a Podium server?"
            ) from None

    def get(self, path: str, **params: Any) -> Any:
        clean = {key: value for key, value in params.items() if value is not None}
        return self.json("GET", path, params=clean)
