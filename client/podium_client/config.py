"""Where the client keeps its login: one JSON file in the user's config directory, mode 0600.

`PODIUM_URL` and `PODIUM_TOKEN` override what is stored (CI jobs set them instead of logging in);
`PODIUM_CONFIG_DIR` moves the file (the default is platformdirs' config dir for "podium").
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_path

DEFAULT_URL = "http://127.0.0.1:8000"
FILE_NAME = "credentials.json"


@dataclass(frozen=True)
class Login:
    url: str
    token: str | None
    username: str | None = None
    source: str = "none"  # "file", "environment" or "none": said by `podium whoami`


def config_dir() -> Path:
    override = os.environ.get("PODIUM_CONFIG_DIR")
    return Path(override) if override else user_config_path("podium", appauthor=False)


def credentials_path() -> Path:
    return config_dir() / FILE_NAME


def _stored() -> dict:
    path = credentials_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise SystemExit(f"podium: cannot read {path} ({exc}); delete it and log in again") from exc
    return data if isinstance(data, dict) else {}


def current_login(url: str | None = None) -> Login:
    """The server and token to use: command line, then environment, then the stored login."""
    stored = _stored()
    env_token = os.environ.get("PODIUM_TOKEN")
    chosen_url = url or os.environ.get("PODIUM_URL") or stored.get("url") or DEFAULT_URL
    chosen_url = chosen_url.rstrip("/")
    if env_token:
        return Login(url=chosen_url, token=env_token, source="environment")
    if stored.get("token") and stored.get("url", "").rstrip("/") == chosen_url:
        return Login(
            url=chosen_url, token=stored["token"], username=stored.get("username"), source="file"
        )
    return Login(url=chosen_url, token=None)


def save_login(*, url: str, token: str, username: str) -> Path:
    """Write the token readable by the user only (created 0600, never world-readable first)."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = credentials_path()
    body = json.dumps({"url": url.rstrip("/"), "token": token, "username": username}, indent=2)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body + "\n")
    os.chmod(path, 0o600)  # a file that existed before keeps its mode through O_CREAT
    return path


def forget_login() -> bool:
    try:
        credentials_path().unlink()
    except FileNotFoundError:
        return False
    return True
