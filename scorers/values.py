"""Turning raw cell values into labels, numbers and ids, with participant-safe messages.

Labels compare as strings after JSON decoding, so JSON ``1`` and CSV ``"1"`` are the same label
"1". Numbers must be JSON numbers in JSON formats (a quoted "0.5" is refused, it usually means
a bug in the participant's writer) and decimal literals in text formats.
"""

from __future__ import annotations

import math
import re
from typing import Any

from scorers.readers import MISSING, shown

# Possessive quantifiers (++, ?+): no part ever gives back what it matched, so a refusal costs
# one pass. The plain pattern "\d+\.?\d*" could split a run of digits between \d+ and \d* in
# every way before failing on a trailing letter: minutes of backtracking on one long line.
NUMBER = re.compile(r"[+-]?+(?:\d++(?:\.\d*+)?+|\.\d++)(?:[eE][+-]?+\d++)?+")
NON_FINITE = re.compile(r"[+-]?+(?:nan|inf|infinity)", re.IGNORECASE)


class ValueProblem(ValueError):
    """``str()`` is the message; ``kind`` groups similar problems in the report."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def to_key(value: Any, what: str) -> str:
    """An id or label as a string: JSON strings and integers are accepted."""
    if value is MISSING:
        raise ValueProblem(f"missing {what}", f"missing {what}")
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueProblem(f"bad {what}", f"{what} must be a string or an integer, got {shown(value)}")


def to_number(
    value: Any, integer: bool, rng: tuple[float, float] | None, from_text: bool = True
) -> float:
    """A finite float; ``from_text`` says the file is CSV/TSV/TXT, where every cell is text."""
    if value is MISSING:
        raise ValueProblem("missing value", "missing value")
    if isinstance(value, str) and not from_text:
        raise ValueProblem("not a number", f"expected a number, got the string {shown(value)}")
    if isinstance(value, str):
        if NON_FINITE.fullmatch(value.strip()):
            raise ValueProblem("not finite", f"expected a finite number, got {shown(value)}")
        if not NUMBER.fullmatch(value):
            raise ValueProblem("not a number", f"expected a number, got {shown(value)}")
        number = float(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    else:
        raise ValueProblem("not a number", f"expected a number, got {shown(value)}")
    if not math.isfinite(number):
        raise ValueProblem("not finite", f"expected a finite number, got {shown(value)}")
    if integer and not number.is_integer():
        raise ValueProblem("not an integer", f"expected an integer, got {shown(value)}")
    if rng is not None and not rng[0] <= number <= rng[1]:
        raise ValueProblem(
            "out of range",
            f"expected a value between {rng[0]:g} and {rng[1]:g}, got {shown(value)}",
        )
    return number


def label_list(labels: tuple[str, ...]) -> str:
    if len(labels) <= 12:
        return ", ".join(labels)
    return ", ".join(labels[:12]) + f", ... ({len(labels)} labels)"


def to_label(value: Any, labels: frozenset[str] | None, ordered: tuple[str, ...] | None) -> str:
    label = to_key(value, "label")
    if labels is not None and label not in labels:
        raise ValueProblem(
            "unknown label", f"label {shown(label)} is not one of: {label_list(ordered or ())}"
        )
    return label


def to_text(value: Any, what: str) -> str:
    if value is MISSING:
        raise ValueProblem(f"missing {what}", f"missing {what}")
    if not isinstance(value, str):
        raise ValueProblem(f"bad {what}", f"{what} must be a string")
    return value
