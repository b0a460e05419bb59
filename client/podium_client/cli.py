"""`podium`: the command line. Parses arguments, runs one command, maps failures to exit codes.

Exit codes: 0 done (for `submit --wait`: scored); 1 the server refused the request, the file
has problems, or the submission failed; 2 usage errors, no usable login, `--wait` out of time,
or no answer from the server (connection errors and 5xx, after the retries).
"""

from __future__ import annotations

import argparse
import sys

from podium_client import __version__
from podium_client.commands import account, board, data, submitting, tasks
from podium_client.commands.common import Failure, explain
from podium_client.http import ApiError, Unreachable
from podium_client.output import error, follow_terminal_width

OK, REFUSED, USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podium",
        description="The command-line client of a Podium shared-task server.",
        epilog="PODIUM_URL and PODIUM_TOKEN override the stored login (for CI jobs).",
    )
    parser.add_argument("--version", action="version", version=f"podium {__version__}")
    parser.add_argument("--url", help="the server (default: the one you logged in to)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (account, tasks, data, submitting, board):
        module.register(commands)
    for command in commands.choices.values():
        # `podium login --url URL` as well as `podium --url URL login`.
        command.add_argument("--url", default=argparse.SUPPRESS, help="the server")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    follow_terminal_width()
    try:
        return args.run(args) or OK
    except Failure as exc:
        error(exc.message)
        return exc.exit_code
    except ApiError as exc:
        error(explain(exc))
        return USAGE if exc.status == 401 else REFUSED
    except Unreachable as exc:
        error(str(exc))
        return USAGE
    except KeyboardInterrupt:
        error("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
