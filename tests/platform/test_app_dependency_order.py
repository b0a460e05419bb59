"""The apps import each other in one direction (docs/architecture.md, "Dependency order")."""

import ast
from pathlib import Path

PODIUM = Path(__file__).resolve().parents[2] / "platform" / "podium"
# Each app may import the apps before it in this list, never one after it.
ORDER = ["sharedtasks", "programs", "teams", "submissions", "leaderboards", "baselineruns"]
# Surfaces sit on top; the project modules at the bottom import no app.
SURFACES = {"accounts", "web", "api", "demo"}
BOTTOM = {"permissions", "storage", "env", "celery", "sandbox", "settings"}


def imported_podium_parts(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "podium" and len(parts) > 1:
                yield parts[1]


def source_files(part: str):
    target = PODIUM / part
    files = target.rglob("*.py") if target.is_dir() else [target.with_suffix(".py")]
    return [f for f in files if "migrations" not in f.parts]


def test_every_app_imports_only_apps_below_it():
    wrong = []
    for position, app in enumerate(ORDER):
        allowed = {app, *ORDER[:position], *BOTTOM, "admin_scoping"}
        for path in source_files(app):
            for part in imported_podium_parts(path):
                if (part in ORDER or part in SURFACES) and part not in allowed:
                    wrong.append(f"{path.relative_to(PODIUM)} imports podium.{part}")
    assert wrong == []


def test_the_project_modules_at_the_bottom_import_no_app():
    wrong = [
        f"{path.relative_to(PODIUM)} imports podium.{part}"
        for module in BOTTOM - {"settings"}
        for path in source_files(module)
        for part in imported_podium_parts(path)
        if part in ORDER or part in SURFACES
    ]
    assert wrong == []
