"""The installed `podium` console script, run as a new user would run it, in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from podium.sandbox import sandbox_available

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not sandbox_available(), reason="bubblewrap cannot run here"),
]
SCRIPT = Path(sys.executable).parent / "podium"


def test_login_download_check_submit_wait_prints_the_score(
    live_server, cast, tmp_path, client_env, scoring_in_threads
):
    assert SCRIPT.exists(), "pip install ./client puts the podium script next to python"
    env = {**os.environ, "PODIUM_CONFIG_DIR": str(client_env), "COLUMNS": "200"}

    def podium(*args, stdin=None):
        return subprocess.run(
            [str(SCRIPT), *args], input=stdin, capture_output=True, text=True, env=env,
            cwd=tmp_path, timeout=120, check=False,
        )  # fmt: skip

    login = podium(
        "login", "--url", live_server.url, "-u", "pat", "--password-stdin", stdin="pw-pat"
    )
    assert login.returncode == 0, login.stderr
    assert podium("download", "tiny", "--subtask", "a", "--split", "dev").returncode == 0
    labels = ["human", "machine"]
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps({"id": f"x{i}", "label": labels[i % 2]}) + "\n"
                            for i in range(10)))  # fmt: skip
    check = podium("check", "tiny", "a", "pred.jsonl")
    assert check.returncode == 0, check.stdout + check.stderr
    submit = podium("submit", "tiny", "a", "pred.jsonl", "--method", "mine", "--wait")
    assert submit.returncode == 0, submit.stderr
    assert "scored" in submit.stdout and "accuracy" in submit.stdout
