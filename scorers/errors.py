"""Exceptions and the capped error list shared by readers, gold checks and validation.

Three audiences read these errors: participants (submission errors, which must never reveal a
gold label or which ids are private), organisers (gold and spec errors, which may quote gold
values) and the platform (which maps each exception class to an exit code).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# At most this many errors of one kind are listed one by one; the rest are summarised, so that a
# file with a million bad lines gives a readable report (and a small one).
PER_KIND_LIMIT = 5
TOTAL_LIMIT = 50


class SpecError(ValueError):
    """The scoring spec is invalid; str() is a message for the organiser."""


class GoldError(ValueError):
    """The gold file is invalid. ``errors`` holds the error dicts (they may quote gold values)."""

    def __init__(self, errors: list[dict[str, Any]]):
        self.errors = errors
        first = errors[0]["message"] if errors else "invalid gold file"
        super().__init__(f"invalid gold file: {first}" + (" (and more)" if len(errors) > 1 else ""))


class SubmissionError(ValueError):
    """The submission is invalid. ``errors`` holds participant-safe error dicts."""

    def __init__(self, errors: list[dict[str, Any]]):
        self.errors = errors
        super().__init__(errors[0]["message"] if errors else "invalid submission")


@dataclass
class ErrorList:
    """Collects errors, keeping a few examples per kind and counting the rest.

    ``kind`` groups errors of the same class ("unknown id", "bad label") so that each class is
    represented in the report even when another class floods the file.
    """

    per_kind: int = PER_KIND_LIMIT
    total: int = TOTAL_LIMIT
    kept: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, message: str, line: int | None = None, column: str | None = None):
        self.counts[kind] += 1
        if self.counts[kind] <= self.per_kind:
            self.kept.append((kind, {"line": line, "column": column, "message": message}))

    def __bool__(self) -> bool:
        return bool(self.counts)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def as_list(self) -> list[dict[str, Any]]:
        out = [err for _, err in self.kept]
        for kind, count in self.counts.items():
            if count > self.per_kind:
                out.append(
                    {
                        "line": None,
                        "column": None,
                        "message": f"... and {count - self.per_kind} more errors like this: {kind}",
                    }
                )
        # Errors are reported in file order; the summaries (line None) come last.
        out.sort(key=lambda e: (e["line"] is None, e["line"] or 0))
        return out[: self.total]
