"""Command line: ``python -m baselines run|list``.

``run`` prints progress lines to stderr and one JSON object (the RunResult) to stdout.
Exit codes: 0 done, 2 bad input or setup (message on stderr), 3 an internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from typing import Any

from baselines.errors import BaselineError
from baselines.registry import METHODS, TASKS

EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 2, 3


def _param(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(raw)  # numbers, true/false, null; anything else stays a string
    except ValueError:
        return key, raw


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m baselines", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print the methods as JSON")
    run = sub.add_parser("run", help="train a baseline, predict test, score dev")
    run.add_argument("--method", required=True, choices=sorted(METHODS))
    run.add_argument("--spec", required=True, help="the subtask's scorer spec (JSON file)")
    run.add_argument("--train", required=True, help="training inputs with labels (JSONL)")
    run.add_argument("--dev", help="dev inputs (JSONL); may carry the labels itself")
    run.add_argument("--dev-gold", help="dev gold (JSONL: id, value, group columns)")
    run.add_argument("--test", required=True, help="test inputs (JSONL)")
    run.add_argument("--out", required=True, help="where to write the test predictions")
    run.add_argument("--dev-out", help="where to write the dev predictions")
    run.add_argument("--model", help="local model folder (default: the packaged MiniLM)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--text-fields", default="text", help="comma-separated input fields")
    run.add_argument("--task", choices=TASKS, help="override the task inferred from the spec")
    run.add_argument("--device", help="auto (default), cpu, cuda, cuda:1, mps")
    run.add_argument("--threads", type=int, help="torch CPU threads")
    run.add_argument(
        "--param",
        type=_param,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a method parameter, e.g. --param epochs=2 --param lr=3e-5 (repeatable)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    run.add_argument(
        "--progress", choices=("lines", "json"), default="lines",
        help="progress on stderr as readable lines, or one JSON object per event (for Podium)",
    )  # fmt: skip
    return parser


def format_event(event: dict[str, Any]) -> str:
    """One readable line per progress event (the platform gets the dicts themselves)."""
    parts = [f"[{event.get('stage', '?')}]"]
    if "step" in event and "total_steps" in event:
        parts.append(f"step {event['step']}/{event['total_steps']}")
    for key, value in event.items():
        if key in ("stage", "step", "total_steps", "dev_scores"):
            continue
        parts.append(f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}")
    return " ".join(parts)


def _load_spec(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise BaselineError(f"cannot read the spec file {path}: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        print(json.dumps({name: m.__dict__ for name, m in METHODS.items()}, indent=2))
        return EXIT_OK
    from baselines.api import run

    params = dict(args.param)
    for key in ("device", "threads"):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)

    def progress(event: dict[str, Any]) -> None:
        if args.quiet:
            return
        line = json.dumps(event, default=str) if args.progress == "json" else format_event(event)
        print(line, file=sys.stderr, flush=True)

    try:
        result = run(
            method=args.method,
            spec=_load_spec(args.spec),
            train=args.train,
            dev=args.dev,
            dev_gold=args.dev_gold,
            test=args.test,
            out=args.out,
            dev_out=args.dev_out,
            model=args.model,
            seed=args.seed,
            params=params,
            progress=progress,
            text_fields=[f.strip() for f in args.text_fields.split(",") if f.strip()],
            task=args.task,
        )
    except BaselineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception:
        traceback.print_exc()
        return EXIT_INTERNAL
    print(json.dumps(result.to_dict(), allow_nan=False))
    return EXIT_OK
