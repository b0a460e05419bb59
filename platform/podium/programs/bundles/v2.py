"""Codabench's competition.yaml, `version: 2`."""

from __future__ import annotations

from podium.programs.bundles.common import (
    IGNORED_V2,
    KNOWN_V2,
    PHASE_DATA_KEYS,
    BundleFiles,
    column_list,
    finish_phases,
    integer,
    phase_end,
)
from podium.programs.bundles.draft import BundleDraft, PhaseDraft, TaskDraft, parse_date, slugify
from podium.programs.results import Column

# Codabench's submission_rule: which submission of a team the leaderboard shows.
SUBMISSION_RULES = {
    "Force_Last": "last",
    "Force_Latest_Multiple": "last",
    "Force_Best": "best",
    "Add": "chosen",
    "Add_And_Delete": "chosen",
    "Add_And_Delete_Multiple": "chosen",
}


def _tasks(document: dict, files: BundleFiles, draft: BundleDraft, errors: list[str]) -> None:
    for position, task in enumerate(document.get("tasks") or []):
        key = f"tasks[{position}]"
        if not isinstance(task, dict):
            errors.append(f"{key}: expected a mapping")
            continue
        index = str(task.get("index", position))
        item = TaskDraft(
            key=key, name=str(task.get("name") or f"task {index}"),
            description=str(task.get("description") or ""),
        )  # fmt: skip
        if task.get("scoring_program") is None:
            errors.append(f"{key}.scoring_program: is required (Podium scores with it)")
        else:
            item.program = files.folder(task["scoring_program"], f"{key}.scoring_program")
        if task.get("reference_data") is None:
            errors.append(f"{key}.reference_data: is required (the program's ref/ folder)")
        else:
            item.reference = files.folder(task["reference_data"], f"{key}.reference_data")
        if task.get("ingestion_program") is not None:
            item.ingestion = True
            draft.not_imported.append(
                f"{key}.ingestion_program: Podium scores result submissions only; participants "
                "upload the predictions the ingestion program would have written"
            )
        for data_key in PHASE_DATA_KEYS:
            if data_key == "input_data" and document.get("make_input_data_available") is False:
                if task.get(data_key) is not None:
                    draft.not_imported.append(
                        f"{key}.input_data: the bundle sets make_input_data_available: false, "
                        "so it is not served"
                    )
                continue
            if task.get(data_key) is not None:
                found = files.download(task[data_key], f"{key}.{data_key}")
                if found is not None:
                    item.downloads[data_key] = found
        draft.tasks[index] = item


def _phases(document: dict, draft: BundleDraft, errors: list[str]) -> None:
    raw = [p for p in document.get("phases") or [] if isinstance(p, dict)]
    if not raw:
        errors.append("phases: the bundle has no phases")
    rule = None
    for board in document.get("leaderboards") or []:
        if isinstance(board, dict) and board.get("submission_rule"):
            rule = str(board["submission_rule"])
    starts = [parse_date(p.get("start"), f"phases[{i}].start", []) for i, p in enumerate(raw)]
    for position, phase in enumerate(raw):
        key = f"phases[{position}]"
        start = parse_date(phase.get("start"), f"{key}.start", errors)
        if start is None and phase.get("start") in (None, ""):
            errors.append(f"{key}.start: is required")
        following = next((s for s in starts[position + 1 :] if s), None)
        end = phase_end(phase.get("end"), f"{key}.end", following, errors)
        # Codabench: a limit of 0 (or none) means unlimited.
        per_day = integer(phase.get("max_submissions_per_day"), f"{key}.max_submissions_per_day",
                          errors)  # fmt: skip
        total = integer(phase.get("max_submissions"), f"{key}.max_submissions", errors)
        name = str(phase.get("name") or f"Phase {position + 1}")
        tasks = [str(t) for t in phase.get("tasks") or []]
        for task in tasks:
            if task not in draft.tasks:
                errors.append(f"{key}.tasks: no task with index {task}")
        if start is None:
            continue
        draft.phases.append(
            PhaseDraft(
                key=key, slug=slugify(name, f"phase-{position + 1}"), name=name,
                description=str(phase.get("description") or ""), start=start, end=end,
                per_day=per_day or None, total=total or None,
                selection=SUBMISSION_RULES.get(rule or "Add", "chosen"),
                hide_results=bool(phase.get("hide_output") or phase.get("hide_score_output")),
                time_limit_s=integer(phase.get("execution_time_limit"),
                                     f"{key}.execution_time_limit", errors),
                tasks=tasks,
            )
        )  # fmt: skip
    if rule and rule not in SUBMISSION_RULES:
        errors.append(
            f"leaderboards.submission_rule: {rule!r} is not one of {sorted(SUBMISSION_RULES)}"
        )


def _columns(document: dict, errors: list[str]) -> list[Column]:
    columns: list[Column] = []
    boards = [b for b in document.get("leaderboards") or [] if isinstance(b, dict)]
    if not boards:
        errors.append("leaderboards: the bundle has no leaderboard")
        return columns
    for b, board in enumerate(boards):
        raw = [c for c in board.get("columns") or [] if isinstance(c, dict)]
        raw.sort(key=lambda c: integer(c.get("index"), "", []) or 0)
        for c, column in enumerate(raw):
            key = f"leaderboards[{b}].columns[{c}]"
            if not column.get("key"):
                errors.append(f"{key}.key: is required (the key the program writes)")
                continue
            sorting = str(column.get("sorting") or "desc")
            if sorting not in ("desc", "asc"):
                errors.append(f"{key}.sorting: {sorting!r} is not desc or asc")
            columns.append(
                Column(
                    key=str(column["key"]), title=str(column.get("title") or column["key"]),
                    direction="lower" if sorting == "asc" else "higher",
                    precision=integer(column.get("precision"), f"{key}.precision", errors) or 2,
                    hidden=bool(column.get("hidden")),
                )
            )  # fmt: skip
            if column.get("computation"):
                errors.append(
                    f"{key}.computation: computed columns are not supported; have the program "
                    "write the value"
                )
    shown = [c for c in columns if not c.hidden]
    if shown:
        # The primary column: the first (lowest index) shown column of the first leaderboard.
        first = shown[0]
        columns = [c if c is not first else Column(**{**c.__dict__, "primary": True})
                   for c in columns]  # fmt: skip
    return column_list(columns, "leaderboards[0].columns", errors)


def read_v2(document: dict, files: BundleFiles, errors: list[str]) -> BundleDraft:
    pages = []
    for index, page in enumerate(document.get("pages") or []):
        if isinstance(page, dict) and page.get("file"):
            text = files.text(page["file"], f"pages[{index}].file")
            pages.append(f"## {page.get('title') or 'Page'}\n\n{text}")
    draft = BundleDraft(
        version="2",
        title=str(document.get("title") or ""),
        description="\n\n".join([str(document.get("description") or ""), *pages]).strip(),
        terms=files.text(document["terms"], "terms") if document.get("terms") else "",
        open_registration=bool(document.get("registration_auto_approve")),
    )
    _tasks(document, files, draft, errors)
    _phases(document, draft, errors)
    draft.columns = _columns(document, errors)
    finish_phases(draft, errors)
    for key, label in IGNORED_V2.items():
        if document.get(key) not in (None, "", [], {}):
            draft.not_imported.append(label)
    for key in sorted(set(document) - KNOWN_V2):
        draft.not_imported.append(f"{key} (not a key Podium knows)")
    return draft
