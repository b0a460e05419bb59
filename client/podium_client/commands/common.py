"""What the commands share: the API connection, choosing a phase, wording API errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from podium_client.config import current_login
from podium_client.http import Api, ApiError


class Failure(Exception):
    """A command cannot go on; the message says why (exit code 1 by default, 2 for usage)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def api_for(args, *, login_required: bool = True) -> Api:
    login = current_login(getattr(args, "url", None))
    if login_required and not login.token:
        raise Failure(
            f"not logged in to {login.url}: run `podium login` (or set PODIUM_TOKEN)", exit_code=2
        )
    return Api(login)


def explain(error: ApiError) -> str:
    """An API error as a sentence for the participant, with what to do about it."""
    if error.status == 401:
        if error.code in ("authentication_failed",) or "token" in error.detail.lower():
            return (
                "the server refused your token (expired or revoked): run `podium login` again "
                f"({error.detail})"
            )
        return f"not logged in: run `podium login` or set PODIUM_TOKEN ({error.detail})"
    if error.status == 429 and error.code == "throttled":
        wait = error.headers.get("Retry-After")
        return f"too many requests: {error.detail}" + (f" (retry in {wait} s)" if wait else "")
    return f"{error.detail} [{error.code}]"


def task_of(api: Api, slug: str) -> dict[str, Any]:
    return api.get(f"/api/v1/tasks/{slug}/")


def subtask_of(task: dict[str, Any], slug: str) -> dict[str, Any]:
    for subtask in task["subtasks"]:
        if subtask["slug"] == slug:
            return subtask
    known = ", ".join(s["slug"] for s in task["subtasks"]) or "none"
    raise Failure(f"the task {task['slug']!r} has no subtask {slug!r}; its subtasks: {known}")


def phase_of(task: dict[str, Any], wanted: str | None, *, open_only: bool = True) -> dict[str, Any]:
    """The phase named by id or slug, else the one open now (or, for reading, the latest)."""
    phases = task["phases"]
    names = ", ".join(p["slug"] for p in phases) or "none"
    if wanted is not None:
        for phase in phases:
            if wanted in (phase["slug"], str(phase["id"])):
                return phase
        raise Failure(f"the task {task['slug']!r} has no phase {wanted!r}; its phases: {names}")
    open_now = [p for p in phases if p["is_open"]]
    if len(open_now) == 1:
        return open_now[0]
    if len(open_now) > 1:
        raise Failure(f"several phases are open; say which with --phase ({names})", exit_code=2)
    if open_only or not phases:
        raise Failure(f"no phase of {task['slug']!r} is open now; say which with --phase ({names})")
    now = datetime.now(UTC)
    started = [p for p in phases if _moment(p["start"]) <= now]
    return max(started, key=lambda p: _moment(p["start"])) if started else phases[0]


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
