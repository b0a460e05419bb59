"""CodaLab's competition.yaml, v1.5 / v1.8 (no `version: 2`)."""

from __future__ import annotations

from podium.programs.bundles.common import (
    IGNORED_V1,
    PHASE_DATA_KEYS,
    BundleFiles,
    column_list,
    finish_phases,
    integer,
    phase_end,
)
from podium.programs.bundles.draft import BundleDraft, PhaseDraft, TaskDraft, parse_date, slugify
from podium.programs.results import Column

KNOWN_V1 = {"title", "description", "phases", "leaderboard", *IGNORED_V1}
PAGE_TITLES = {"overview": "Overview", "evaluation": "Evaluation", "data": "Data"}


def _selection(phase: dict, competition: dict) -> str:
    if phase.get("force_best_submission_to_leaderboard"):
        return "best"
    if phase.get(
        "force_submission_to_leaderboard", competition.get("force_submission_to_leaderboard")
    ):
        return "last"
    return "chosen"


def _phases(document: dict, files: BundleFiles, draft: BundleDraft, errors: list[str]) -> None:
    raw = document.get("phases")
    if not isinstance(raw, dict) or not raw:
        errors.append("phases: the bundle has no phases (a mapping 1:, 2:, ...)")
        return
    items = sorted(
        ((k, p) for k, p in raw.items() if isinstance(p, dict)),
        key=lambda item: integer(item[1].get("phasenumber", item[0]), "", []) or 0,
    )
    starts = [parse_date(p.get("start_date"), "", []) for _, p in items]
    for position, (number, phase) in enumerate(items):
        key = f"phases[{number}]"
        start = parse_date(phase.get("start_date"), f"{key}.start_date", errors)
        if start is None and phase.get("start_date") in (None, ""):
            errors.append(f"{key}.start_date: is required")
        following = next((s for s in starts[position + 1 :] if s), None)
        last_end = document.get("end_date") if position == len(items) - 1 else None
        end = phase_end(phase.get("end_date") or last_end, f"{key}.end_date", following, errors)
        task = TaskDraft(key=key, name=str(phase.get("label") or f"phase {number}"))
        if phase.get("scoring_program") is None:
            errors.append(f"{key}.scoring_program: is required (Podium scores with it)")
        else:
            task.program = files.folder(phase["scoring_program"], f"{key}.scoring_program")
        if phase.get("reference_data") is None:
            errors.append(f"{key}.reference_data: is required (the program's ref/ folder)")
        else:
            task.reference = files.folder(phase["reference_data"], f"{key}.reference_data")
        if phase.get("ingestion_program") is not None:
            task.ingestion = True
            draft.not_imported.append(
                f"{key}.ingestion_program: Podium scores result submissions only; participants "
                "upload the predictions the ingestion program would have written"
            )
        for data_key in PHASE_DATA_KEYS:
            if phase.get(data_key) is not None:
                found = files.download(phase[data_key], f"{key}.{data_key}")
                if found is not None:
                    task.downloads[data_key] = found
        draft.tasks[key] = task
        # CodaLab: a limit of 0 means no submissions at all (Codabench: unlimited).
        per_day = integer(phase.get("max_submissions_per_day"), f"{key}.max_submissions_per_day",
                          errors)  # fmt: skip
        total = integer(phase.get("max_submissions"), f"{key}.max_submissions", errors)
        for limit, label in ((per_day, "max_submissions_per_day"), (total, "max_submissions")):
            if limit == 0:
                draft.warnings.append(
                    f"{key}.{label}: 0 means no submissions in CodaLab; imported as 0, so the "
                    "phase accepts none until an organiser raises it"
                )
        if start is None:
            continue
        name = str(phase.get("label") or f"Phase {number}")
        draft.phases.append(
            PhaseDraft(
                key=key, slug=slugify(name, f"phase-{number}"), name=name,
                description=str(phase.get("description") or ""), start=start, end=end,
                per_day=per_day, total=total, selection=_selection(phase, document),
                hide_results=phase.get("leaderboard_management_mode") == "hide_results",
                time_limit_s=integer(phase.get("execution_time_limit"),
                                     f"{key}.execution_time_limit", errors),
                tasks=[key],
            )
        )  # fmt: skip
        for extra in ("auto_migration", "color", "is_scoring_only", "datasets"):
            if phase.get(extra) not in (None, False, ""):
                draft.not_imported.append(f"{key}.{extra}")


def _columns(document: dict, errors: list[str]) -> list[Column]:
    board = document.get("leaderboard")
    if not isinstance(board, dict) or not isinstance(board.get("columns"), dict):
        errors.append("leaderboard.columns: the bundle declares no leaderboard columns")
        return []
    raw = [(k, c) for k, c in board["columns"].items() if isinstance(c, dict)]
    raw.sort(key=lambda item: integer(item[1].get("rank"), "", []) or 10**6)
    columns = []
    for name, column in raw:
        key = f"leaderboard.columns.{name}"
        sort = str(column.get("sort") or "desc")
        if sort not in ("desc", "asc"):
            errors.append(f"{key}.sort: {sort!r} is not desc or asc")
        columns.append(
            Column(
                key=str(name), title=str(column.get("label") or name),
                direction="lower" if sort == "asc" else "higher",
                precision=integer(column.get("numeric_format"), f"{key}.numeric_format",
                                  errors) or 2,
                hidden=bool(column.get("hidden")),
            )
        )  # fmt: skip
        if column.get("computed"):
            errors.append(f"{key}.computed: computed columns are not supported")
    shown = [c for c in columns if not c.hidden]
    if shown:
        # The primary column: rank 1 (the lowest rank) among the shown columns.
        first = shown[0]
        columns = [c if c is not first else Column(**{**c.__dict__, "primary": True})
                   for c in columns]  # fmt: skip
    return column_list(columns, "leaderboard.columns", errors)


def read_v1(document: dict, files: BundleFiles, errors: list[str]) -> BundleDraft:
    html = document.get("html") if isinstance(document.get("html"), dict) else {}
    pages = [
        f"## {PAGE_TITLES.get(name, name.title())}\n\n{files.text(value, f'html.{name}')}"
        for name, value in html.items()
        if name != "terms" and value
    ]
    draft = BundleDraft(
        version="1",
        title=str(document.get("title") or ""),
        description="\n\n".join([str(document.get("description") or ""), *pages]).strip(),
        terms=files.text(html["terms"], "html.terms") if html.get("terms") else "",
        open_registration=not document.get("has_registration", False),
    )
    _phases(document, files, draft, errors)
    draft.columns = _columns(document, errors)
    finish_phases(draft, errors)
    for key, label in IGNORED_V1.items():
        if label and document.get(key) not in (None, "", [], {}, False):
            draft.not_imported.append(label)
    for key in sorted(set(document) - KNOWN_V1):
        draft.not_imported.append(f"{key} (not a key Podium knows)")
    return draft
