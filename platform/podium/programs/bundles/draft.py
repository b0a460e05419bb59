"""What a bundle says, in Podium's terms, before anything is written (no Django models)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from podium.programs.results import Column

# A phase without an end stays open: Podium's phases need an end, so it is this one.
OPEN_END = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


class BundleError(ValueError):
    """The bundle cannot be imported; ``errors`` holds one ``key.path: message`` per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class PhaseDraft:
    key: str  # where it came from, for messages: "phases[1]"
    slug: str
    name: str
    description: str
    start: datetime
    end: datetime
    split: str = "test"
    kind: str = "test"
    per_day: int | None = None
    total: int | None = None
    selection: str = "chosen"
    hide_results: bool = False
    time_limit_s: int | None = None
    tasks: list[str] = field(default_factory=list)  # task keys, in order


@dataclass
class TaskDraft:
    """One Codabench task (or CodaLab phase's data): a program and its reference."""

    key: str
    name: str
    description: str = ""
    program: Path | None = None
    reference: Path | None = None
    ingestion: bool = False
    # input_data / public_data / starting_kit -> (what to store, its unpacked form)
    downloads: dict[str, tuple[Path, Path]] = field(default_factory=dict)


@dataclass
class BundleDraft:
    version: str
    title: str
    description: str = ""
    terms: str = ""
    open_registration: bool = False
    phases: list[PhaseDraft] = field(default_factory=list)
    tasks: dict[str, TaskDraft] = field(default_factory=dict)
    columns: list[Column] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_MDY = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_date(value, key: str, errors: list[str]) -> datetime | None:
    """ISO dates and times, Codabench's M-D-Y (`1-31-2024`, `1/31/2024 23:59`) and bare
    dates (midnight UTC); naive times are UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=UTC)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    if match := _MDY.match(text):
        month, day, year, hour, minute, second = match.groups()
        try:
            return datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                int(second or 0), tzinfo=UTC,
            )  # fmt: skip
        except ValueError as exc:
            errors.append(f"{key}: {text!r} is not a valid date ({exc})")
            return None
    errors.append(f"{key}: {text!r} is not a date (ISO 2024-01-31, or M-D-Y 1-31-2024)")
    return None


def slugify(text: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:64].strip("-")
    return slug or fallback
