"""Small helpers the view modules share."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.selectors import visible_tasks


def task_or_404(request: HttpRequest, slug: str) -> SharedTask:
    """A task the viewer may see; a draft is "not found" for everyone but its organisers."""
    return get_object_or_404(visible_tasks(request.user), slug=slug)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
