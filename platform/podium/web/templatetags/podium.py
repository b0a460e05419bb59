"""Template filters of the participant pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from podium.baselineruns.selectors import baseline_subtasks_training
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


@register.inclusion_tag("web/_baselines_training.html")
def baselines_training(task) -> dict:
    """The results page's notice while the task's baselines are still training or being scored."""
    return {"subtasks": baseline_subtasks_training(task=task)}
