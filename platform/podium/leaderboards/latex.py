"""A subtask's ranking as a LaTeX table (booktabs) for the task paper.

Built from a `Leaderboard` the viewer was allowed to see, like the CSV and JSON exports. One row
per ranked entrant: rank, team, the primary score with its 95% interval, the rank range; a
\\midrule separates significance clusters, as WMT's findings papers print them.
"""

from __future__ import annotations

from .boards import Leaderboard

_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip


def latex_escape(text: str) -> str:
    return "".join(_SPECIAL.get(c, c) for c in text)


def _score(value: float | None) -> str:
    return "--" if value is None else f"{value:.4f}"


def leaderboard_latex(board: Leaderboard) -> str:
    metric = latex_escape(board.primary_metric.replace("_", " "))
    arrow = r"$\downarrow$" if board.direction == "lower" else r"$\uparrow$"
    with_stats = board.stats is not None and board.stats.get("rows_with_intervals")
    lines = [
        "% Requires \\usepackage{booktabs}.",
        r"\begin{table}[t]",
        r"\centering",
        r"\begin{tabular}{rlrcc}" if with_stats else r"\begin{tabular}{rlr}",
        r"\toprule",
        (
            f"Rank & Team & {metric} {arrow} & 95\\% CI & Rank range \\\\"
            if with_stats
            else f"Rank & Team & {metric} {arrow} \\\\"
        ),
        r"\midrule",
    ]
    previous = None
    for row in board.rows:
        if row.rank is None:
            continue
        if with_stats and previous is not None and row.cluster != previous:
            lines.append(r"\midrule")
        previous = row.cluster
        team = latex_escape(row.team) + (r" \textit{(baseline)}" if row.is_baseline else "")
        cells = [str(row.rank), team, _score(row.primary)]
        if with_stats:
            interval = row.intervals.get(board.primary_metric)
            cells.append(f"[{interval['low']:.4f}, {interval['high']:.4f}]" if interval else "--")
            cells.append(f"{row.rank_range[0]}--{row.rank_range[1]}" if row.rank_range else "--")
        lines.append(" & ".join(cells) + r" \\")
    caption = (
        f"{latex_escape(board.subtask_slug)}: {metric}, {latex_escape(board.partition)} partition."
    )
    if with_stats:
        caption += (
            f" Intervals: {board.stats['samples']} bootstrap resamples of the test items;"
            f" rules separate significance clusters (paired bootstrap, p < {board.stats['alpha']})."
        )
    lines += [r"\bottomrule", r"\end{tabular}", f"\\caption{{{caption}}}", r"\end{table}", ""]
    return "\n".join(lines)
