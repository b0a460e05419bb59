"""Command line: ``python -m scorers score|check|compare``.

Exit codes: 0 scored (or gold valid), 1 the submission is invalid, 2 the spec or gold is bad,
3 an internal error of the scorer (never blamed on the participant). Exactly one JSON object
is printed to stdout; a human-readable line goes to stderr on failure. Only numpy is imported
at start-up: the CLI runs once per submission in a fresh sandboxed process.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from typing import Any

from scorers.errors import GoldError, SpecError

EXIT_OK, EXIT_INVALID, EXIT_BAD_SETUP, EXIT_INTERNAL = 0, 1, 2, 3


def _load_spec_file(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise SpecError(f"cannot read the spec file {path}: {exc}") from None


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, allow_nan=False) + "\n")
    sys.stdout.flush()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scorers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="validate and score a submission")
    check = sub.add_parser("check", help="validate a gold file")
    compare = sub.add_parser("compare", help="paired bootstrap test of two submissions")
    for p in (score, check, compare):
        p.add_argument("--spec", required=True, help="the scoring spec (JSON)")
        p.add_argument("--gold", required=True, help="the gold file of the split")
    score.add_argument("--pred", required=True, help="the submission file")
    score.add_argument("--records", help="directory for the per-item records of each partition")
    compare.add_argument("--pred", required=True, help="submission A")
    compare.add_argument("--pred-b", required=True, help="submission B")
    compare.add_argument("--metric", help="metric key (default: the spec's primary)")
    compare.add_argument("--samples", type=int, default=1000)
    compare.add_argument("--seed", type=int, default=0)
    return parser


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from scorers import api

    try:
        spec = api.load_spec(_load_spec_file(args.spec))
        if args.command == "check":
            errors = api.check_gold(spec, args.gold)
            _emit({"ok": not errors, "errors": errors})
            return EXIT_OK if not errors else EXIT_BAD_SETUP
        if args.command == "score":
            result = api.score_files(spec, args.gold, args.pred, args.records)
        else:
            result = api.compare_files(
                spec, args.gold, args.pred, args.pred_b, args.metric, args.samples, args.seed
            )
    except SpecError as exc:
        _emit(
            {
                "ok": False,
                "kind": "spec",
                "errors": [{"line": None, "column": None, "message": str(exc)}],
            }
        )
        print(f"bad spec: {exc}", file=sys.stderr)
        return EXIT_BAD_SETUP
    except GoldError as exc:
        _emit({"ok": False, "kind": "gold", "errors": exc.errors})
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_SETUP
    _emit(result)
    return EXIT_OK if result["ok"] else EXIT_INVALID


# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory() -> None:
    """Let the process reuse the memory of freed arrays instead of returning it to the kernel.

    Scoring a large file makes many short-lived arrays of a few MB; glibc maps each afresh and
    unmaps it when freed, and the page faults of the fresh pages cost a third of the CPU time of
    a million-row submission. Here arrays up to 32 MB (glibc's maximum) come from the heap and
    freed ones are reused; the peak size is unchanged. Only for the short-lived CLI process
    (``python -m scorers``); nothing happens where libc is not glibc.
    """
    import ctypes  # numpy has loaded it already

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except SystemExit:
        raise
    except BaseException:  # a scorer bug must not look like a bad submission
        traceback.print_exc(file=sys.stderr)
        _emit(
            {
                "ok": False,
                "kind": "internal",
                "errors": [{"line": None, "column": None, "message": "internal scorer error"}],
            }
        )
        return EXIT_INTERNAL
