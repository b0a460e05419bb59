"""The README's configuration table names every environment variable the platform reads (found
by parsing the code for the typed env helpers and os.environ look-ups), and nothing it does not."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = {"envstr", "envsecret", "envbool", "envint", "envlist", "envchoice", "envfloat", "getenv"}


def variables_read() -> set[str]:
    """First string arguments of env helper calls and of os.environ.get / os.getenv, in podium."""
    found: set[str] = set()
    for path in (ROOT / "platform/podium").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            environ_get = (
                isinstance(func, ast.Attribute)
                and func.attr in {"get", "setdefault"}
                and getattr(func.value, "attr", None) == "environ"
            )
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if (name in READERS or environ_get) and literal and first.value.isupper():
                found.add(first.value)
    # Django's own settings module variable is set, not read, by manage.py and the entry points.
    return found - {"DJANGO_SETTINGS_MODULE"}


def variables_documented() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    first_cells = [row.split("|")[1] for row in rows]
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", cell)}


def test_the_scan_finds_the_known_settings():
    assert {"DATABASE_URL", "PODIUM_SCORING_TIMEOUT", "PODIUM_DEMO_PASSWORD"} <= variables_read()


def test_every_variable_the_code_reads_is_in_the_readme_table():
    missing = variables_read() - variables_documented()
    assert not missing, f"add to the README's configuration table: {sorted(missing)}"


def test_the_table_names_no_variable_the_code_does_not_read():
    # SECRET_KEY_FILE and the like are read through envsecret's *_FILE convention.
    read = variables_read()
    stale = {v for v in variables_documented() - read if v.removesuffix("_FILE") not in read}
    assert not stale, f"the README documents variables nothing reads: {sorted(stale)}"
