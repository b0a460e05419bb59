"""The fast path's JSONL reader: where each field's value lies on every line, from the bytes.

Lines must all have the first line's keys in its order, with string or number values, and the
same bytes between the values as the first line (spacing included); string values hold no escape
or control character. The first line is read with json to learn its layout; the C scanner
(bytecols.scan_jsonl) then checks every line against it in one pass, and in the same pass
records where the ids lie, factorises the labels and reads the numbers. Anything else answers
None and the thorough path reads the file. Split from scorers.fastpath, which holds the other
formats and builds datasets.
"""

from __future__ import annotations

import json
import re

from scorers.bytecols import Column, FileBytes, scan_jsonl
from scorers.spec import Limits

NUMBER_CHARS = re.compile(rb"\s*:\s*([-+0-9.eE]+)")


def jsonl_columns(
    file: FileBytes,
    fields: tuple[str, ...],
    limits: Limits,
    roles: dict[str, str],
) -> tuple[dict[str, Column], set[str]] | None:
    """(a column for each field, the fields whose values are numbers, not strings).

    ``roles``: what the scan makes of a field (bytecols.scan_jsonl's actions): "i" an id (spans
    and hashes), "f" factorised (labels, groups), "n" numbers; a field without a role gets
    spans. The numbers of keys no field reads are checked; their strings are skipped.
    """
    objects: list[list[tuple[str, object]]] = []

    def keep(pairs: list[tuple[str, object]]) -> object:
        objects.append(pairs)  # each object's pairs in order, duplicates kept
        return objects

    try:
        top = json.loads(file.first, object_pairs_hook=keep)
    except (ValueError, RecursionError):  # the thorough path reports the line
        return None
    if top is not objects or len(objects) != 1:
        return None  # the line must be one flat object, not an array or a nesting of them
    pairs = objects[0]
    keys = [k for k, _ in pairs]
    numeric = {k for k, v in pairs if isinstance(v, int | float) and not isinstance(v, bool)}
    if len(set(keys)) != len(keys) or not all(isinstance(v, str) or k in numeric for k, v in pairs):
        return None
    if not set(fields) <= set(keys):
        return None
    if any(roles.get(f) == "n" and f not in numeric for f in fields):
        return None  # a number given as a string: the thorough path reports it
    first = file.first
    layout = _first_line_values(first, keys, numeric)
    if layout is None:
        return None
    # The fixed pieces around the values: the line's prefix, what lies between one value and the
    # next (a string's closing quote, the next key, the colon), and the suffix.
    bounds = [0, *(b for span in layout for b in span), len(first)]
    pieces = [first[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    kinds = "".join("n" if k in numeric else "s" for k in keys)
    unread = {k: "c" if k in numeric else "-" for k in keys}
    actions = "".join(roles.get(k, "s") if k in fields else unread[k] for k in keys)
    found = scan_jsonl(file, pieces, kinds, actions, limits)
    if found is None:
        return None
    columns = dict(zip(keys, found, strict=True))
    return {f: columns[f] for f in fields}, numeric & set(fields)


def _first_line_values(
    first: bytes, keys: list[str], numeric: set[str]
) -> list[tuple[int, int]] | None:
    """[start, end) of each value in the first line, in key order. The line holds no escape
    (the caller refused backslashes), so its quotes are exactly those of its keys and strings."""
    quotes_per_key = [2 if k in numeric else 4 for k in keys]  # a string adds 2 to its key's 2
    q = [m.start() for m in re.finditer(b'"', first)]
    if len(q) != sum(quotes_per_key):
        return None
    out, col = [], 0
    for key, n_quotes in zip(keys, quotes_per_key, strict=True):
        if key in numeric:
            found = NUMBER_CHARS.match(first, q[col + 1] + 1)
            if found is None:
                return None
            out.append((found.start(1), found.end(1)))
        else:
            out.append((q[col + 2] + 1, q[col + 3]))
        col += n_quotes
    return out
