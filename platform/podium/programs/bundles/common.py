"""Helpers both bundle versions share: files named by the YAML, numbers, phases, columns."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nh3

from podium.programs.bundles.draft import OPEN_END, BundleDraft, parse_date
from podium.programs.results import Column
from podium.programs.unpack import ORGANISER_LIMITS, UnpackError, safe_extract

# Keys that configure things Podium does not do; reported, never silently dropped.
IGNORED_V2 = {
    "docker_image": "docker_image (programs run in Podium's own scoring runtime)",
    "queue": "queue (Podium's workers score everything)",
    "fact_sheet": "fact_sheet",
    "enable_forum": "enable_forum (forum settings)",
    "forum_enabled": "forum_enabled (forum settings)",
    "image": "image (the logo)",
    "solutions": "solutions (sample submissions: try one with 'test this program')",
    "make_programs_available": "make_programs_available",
    "contact_email": "contact_email",
    "reward": "reward",
    "auto_run_submissions": "auto_run_submissions",
    "allow_solution_submissions": "allow_solution_submissions",
    "competition_type": "competition_type",
}
KNOWN_V2 = {"version", "title", "description", "terms", "pages", "phases", "tasks",
            "leaderboards", "registration_auto_approve", "make_input_data_available",
            *IGNORED_V2}  # fmt: skip
IGNORED_V1 = {
    "image": "image (the logo)",
    "end_date": None,  # used: the last phase's end
    "has_registration": None,  # used
    "html": None,  # used
    "competition_docker_image": "competition_docker_image",
    "enable_forum": "enable_forum (forum settings)",
    "allow_teams": "allow_teams (Podium always has teams)",
    "admin_names": "admin_names (use --owner)",
    "show_datasets_from_yaml": "show_datasets_from_yaml",
    "enable_detailed_results": "enable_detailed_results",
    "disallow_leaderboard_modifying": "disallow_leaderboard_modifying",
    "enable_per_submission_metadata": "enable_per_submission_metadata",
    "allow_public_submissions": "allow_public_submissions",
    "force_submission_to_leaderboard": None,  # used per phase
}
PHASE_DATA_KEYS = ("input_data", "public_data", "starting_kit")


class BundleFiles:
    """Paths the YAML names, resolved inside the bundle; zips unpacked into folders."""

    def __init__(self, root: Path, work: Path, errors: list[str]):
        self.root, self.work, self.errors = root.resolve(), work, errors
        self.count = 0

    def path(self, value, key: str) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self.errors.append(f"{key}: expected a file or folder name in the bundle")
            return None
        path = (self.root / value).resolve()
        if not path.is_relative_to(self.root):
            self.errors.append(f"{key}: {value!r} points outside the bundle")
            return None
        if not path.exists():
            self.errors.append(f"{key}: {value!r} is not in the bundle")
            return None
        return path

    def folder(self, value, key: str) -> Path | None:
        path = self.path(value, key)
        if path is None or path.is_dir():
            return path
        if not zipfile.is_zipfile(path):
            self.errors.append(f"{key}: {value!r} is neither a folder nor a zip")
            return None
        self.count += 1
        target = self.work / f"unpacked-{self.count}"
        try:
            safe_extract(path, target, limits=ORGANISER_LIMITS)
        except UnpackError as exc:
            self.errors.append(f"{key}: {exc}")
            return None
        return target

    def download(self, value, key: str) -> tuple[Path, Path] | None:
        """A participants' download (input data, public data, starting kit): a folder, a zip
        (checked under the zip rules, so that participants never get a zip bomb) or any single
        file. Returns (what to store, what to compare with the references: the unpacked form)."""
        path = self.path(value, key)
        if path is None:
            return None
        if path.is_dir() or not zipfile.is_zipfile(path):
            return path, path
        unpacked = self.folder(value, key)
        return (path, unpacked) if unpacked is not None else None

    def text(self, value, key: str) -> str:
        path = self.path(value, key)
        if path is None:
            return ""
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.errors.append(f"{key}: cannot read {value!r} as UTF-8 text ({exc})")
            return ""
        # Pages are HTML or Markdown; HTML is sanitised now (and again when it is shown).
        return nh3.clean(content) if path.suffix.lower() in (".html", ".htm") else content


def integer(value, key: str, errors: list[str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors.append(f"{key}: expected a whole number, got {value!r}")
        return None
    try:
        number = int(value)
    except ValueError:
        errors.append(f"{key}: expected a whole number, got {value!r}")
        return None
    if number < 0:
        errors.append(f"{key}: must not be negative")
        return None
    return number


def finish_phases(draft: BundleDraft, errors: list[str]) -> None:
    """Splits and kinds: one phase scores the test split; with more, the first is development
    (dev split), the next the test phase, later ones post-evaluation on the test split."""
    phases = draft.phases
    for index, phase in enumerate(phases):
        if len(phases) > 1 and index == 0:
            phase.split, phase.kind = "dev", "development"
        elif index <= 1:
            phase.split, phase.kind = "test", "test"
        else:
            phase.split, phase.kind = "test", "post_evaluation"
        if phase.end <= phase.start:
            errors.append(f"{phase.key}.end: must be after the start ({phase.start:%Y-%m-%d})")
    slugs = [p.slug for p in phases]
    for index, phase in enumerate(phases):
        if slugs.count(phase.slug) > 1:
            phase.slug = f"{phase.slug}-{index + 1}"[:64]


def phase_end(value, key: str, next_start, errors: list[str]):
    end = parse_date(value, key, errors)
    return end or next_start or OPEN_END


def column_list(columns: list[Column], key: str, errors: list[str]) -> list[Column]:
    keys = [c.key for c in columns]
    for index, column in enumerate(columns):
        if keys.count(column.key) > 1:
            errors.append(f"{key}[{index}].key: {column.key!r} is used twice")
    if not columns:
        errors.append(f"{key}: the bundle declares no leaderboard columns")
    return columns
