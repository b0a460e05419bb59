"""The results page's table and chart of a board, rendered once when its snapshot is built.

Registered as the snapshot part `web_board` (WebConfig.ready): the board job renders
`_board_table.html` and `_chart.html` from the board's rows and stores the text in the snapshot,
so a page read joins stored text instead of rendering a template per row and cell. The text is
the same for every viewer who may see the board (visibility is checked before it is read), but
for the "your team" marks: the templates write a marker (`mine_mark`) where a row or bar of a
team would be marked, and `board_html` puts the marks of the viewer's team there and drops the
others. Markers start with "<", which team names and every other text in the table cannot
produce (they are HTML-escaped), so no name can forge or hide one.

The part's version is a digest of its templates and `CODE_VERSION`: editing a template makes
older snapshots render the part at read time, and the sweep rebuild them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from podium.leaderboards.boards import Leaderboard

from .charts import leaderboard_chart

PART = "web_board"
# Bump when what the templates are given changes (charts.py, the podium template filters).
CODE_VERSION = "1"
TEMPLATES = ("web/_board_table.html", "web/_chart.html", "web/_comparison.html")
_MARKER = re.compile(r"<mine:(?:class|badge):\d+>")
CHART = "<board:chart>"  # between the table and the chart in the part
MARKS = {"class": " mine", "badge": ' <span class="badge mine">your team</span>'}


def part_version() -> str:
    digest = hashlib.sha256(CODE_VERSION.encode())
    for name in TEMPLATES:
        digest.update((Path(__file__).parent / "templates" / name).read_bytes())
    return f"{CODE_VERSION}.{digest.hexdigest()[:16]}"


def mine_marker(team_id: int | None, kind: str) -> SafeString:
    """Where the viewer's team's `kind` mark goes if the viewer is in team `team_id`."""
    if kind not in MARKS:
        raise ValueError(f"No mark {kind!r}: one of {', '.join(MARKS)}.")
    return mark_safe("" if team_id is None else f"<mine:{kind}:{int(team_id)}>")


def render_board(board: Leaderboard) -> str:
    """The snapshot part: the table, `CHART`, the chart (empty when no row has a score)."""
    table = render_to_string("web/_board_table.html", {"board": board, "stats": board.stats})
    chart = leaderboard_chart(board)
    svg = render_to_string("web/_chart.html", {"chart": chart}) if chart else ""
    return f"{table}{CHART}{svg}"


def board_html(part: str, *, mine: int | None) -> dict[str, SafeString]:
    """The stored part as the page shows it to a member of team `mine` (None: no team):
    {"table": ..., "chart": ...}."""
    if mine is not None:
        for kind, text in MARKS.items():
            part = part.replace(f"<mine:{kind}:{int(mine)}>", text)
    table, chart = _MARKER.sub("", part).split(CHART)
    return {"table": mark_safe(table), "chart": mark_safe(chart)}
