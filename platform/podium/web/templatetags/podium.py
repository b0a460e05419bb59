"""Template filters of the participant pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from podium.baselineruns.selectors import baseline_subtasks_training
from podium.web.board_parts import mine_marker
from podium.web.markdown import render_markdown

register = template.Library()
UNDEFINED = "\u2013"  # an en dash, as in printed result tables


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    # Safe because render_markdown sanitises with an allow-list (see podium.web.markdown).
    return mark_safe(render_markdown(text))


@register.filter
def score(value) -> str:
    """A metric value with four decimals; an undefined one as an en dash."""
    if value is None:
        return UNDEFINED
    try:
        return f"{float(value):.4f}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def metric_label(name: str) -> str:
    return name.replace("_", " ")


# Where a score was computed, in a participant's words.
PARTITION_LABELS = {"all": "whole set", "public": "public part", "private": "private part"}


@register.filter
def partition_label(partition: str) -> str:
    return PARTITION_LABELS.get(partition, partition)


@register.filter
def subtask_heading(subtask) -> str:
    """ "a: Human or machine", or the title alone when it already names the subtask (the demo's
    "A: human vs machine"), so that no heading reads "a: A: human vs machine"."""
    title, slug = subtask.title.strip(), subtask.slug
    if not title:
        return slug
    if title.lower() == slug.lower() or title.lower().startswith(
        (f"{slug.lower()}:", f"{slug.lower()} ")
    ):
        return title
    return f"{slug}: {title}"


@register.simple_tag
def mine_mark(team_id, kind: str) -> SafeString:
    """In a board's table and chart: where the viewer's own team is marked (web.board_parts)."""
    return mine_marker(team_id, kind)


@register.inclusion_tag("web/_baselines_training.html")
def baselines_training(task) -> dict:
    """The results page's notice while the task's baselines are still training or being scored."""
    return {"subtasks": baseline_subtasks_training(task=task)}
