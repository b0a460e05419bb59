"""The scoring runtime: what an organiser's program can import and run (docs/scoring-programs.md).

Programs run with the worker's own Python environment (read-only, no pip at run time), so the
packages below are those pinned in pyproject.toml's `scoring-runtime` extra.
"""

from __future__ import annotations

import re
import shutil
from importlib import metadata

# Distribution name -> import name, the packages Codabench / CodaLab scoring programs import.
PACKAGES = {
    "numpy": "numpy",
    "scipy": "scipy",
    "pandas": "pandas",
    "scikit-learn": "sklearn",
    "PyYAML": "yaml",
    "psutil": "psutil",
}
# Interpreters on PATH in the sandbox that programs may call (e.g. SemEval STS's perl scripts).
INTERPRETERS = ("python", "python3", "perl", "sh", "bash")

_MISSING = re.compile(rb"ModuleNotFoundError: No module named '([\w.]+)'")


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def interpreters() -> dict[str, str | None]:
    return {name: shutil.which(name) for name in INTERPRETERS}


def describe() -> str:
    return ", ".join(f"{name} {version}" for name, version in package_versions().items())


def missing_module(stderr: bytes) -> str | None:
    """The module a program failed to import, from its traceback."""
    match = _MISSING.search(stderr)
    return match.group(1).decode("ascii", "replace") if match else None


def missing_module_message(module: str) -> str:
    return (
        f"the scoring program imports {module!r}, which the scoring runtime does not provide "
        f"(it offers the standard library and {describe()}; there is no network and no pip at "
        "run time: vendor pure-Python modules inside the program's zip)"
    )
