"""podium login / logout / whoami."""

from __future__ import annotations

import getpass
import sys

from podium_client.commands.common import Failure, api_for
from podium_client.config import (
    Login,
    credentials_path,
    current_login,
    forget_login,
    save_login,
)
from podium_client.http import Api, ApiError
from podium_client.output import note, out, print_json


def register(commands) -> None:
    login = commands.add_parser("login", help="log in and store an API token (mode 0600)")
    login.add_argument("--username", "-u", help="asked for when not given")
    login.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    login.set_defaults(run=run_login)
    logout = commands.add_parser("logout", help="forget the stored token")
    logout.set_defaults(run=run_logout)
    whoami = commands.add_parser("whoami", help="the user of the token, and their teams")
    whoami.add_argument("--json", action="store_true", help="machine-readable output")
    whoami.set_defaults(run=run_whoami)


def _password(args) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        raise Failure("no terminal to ask for the password: use --password-stdin", exit_code=2)
    if not password:
        raise Failure("empty password", exit_code=2)
    return password


def run_login(args) -> int:
    login = current_login(args.url)
    username = args.username
    if not username:
        if not sys.stdin.isatty():
            raise Failure("say who logs in with --username", exit_code=2)
        username = input("Username: ").strip()
    password = _password(args)
    api = Api(Login(url=login.url, token=None))
    try:
        # A password is never sent twice: a lost answer is retried by logging in again.
        answer = api.json(
            "POST",
            "/api/v1/auth/token/",
            data={"username": username, "password": password},
            retry=False,
        )
    except ApiError as exc:
        if exc.code == "invalid_credentials":
            raise Failure(f"{exc.detail} (at {login.url})") from exc
        raise
    finally:
        api.close()
    path = save_login(url=login.url, token=answer["token"], username=username)
    note(f"Logged in to {login.url} as {username}; token stored in {path}")
    return 0


def run_logout(args) -> int:
    if forget_login():
        note(
            f"Logged out: {credentials_path()} removed (the token itself stays valid on the "
            "server until it is revoked on your profile page)."
        )
    else:
        note("Not logged in: nothing stored.")
    return 0


def run_whoami(args) -> int:
    api = api_for(args)
    me = api.get("/api/v1/me/")
    if args.json:
        print_json({**me, "url": api.login.url, "token_from": api.login.source})
        return 0
    teams = ", ".join(team["name"] for team in me["teams"]) or "no team yet"
    source = api.login.source
    out.print(f"{me['username']} at {api.login.url} (teams: {teams}; token from {source})")
    return 0
