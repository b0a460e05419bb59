"""Import every module of `podium` and `scorers`; exit 1 naming each one that fails.

CI runs this in a virtual environment holding the base dependencies alone (no extras), so that a
module importing a package that only an extra brings (as `pydantic` once arrived only with the
baselines extra) fails here instead of on the Docker image. `baselines` is left out on purpose:
it needs its extra. Usage: python scripts/import_all.py [package ...]
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import traceback

DEFAULT_PACKAGES = ("scorers", "podium")


def module_names(package_name: str) -> list[str]:
    """The package and every module below it, found on disk.

    `__main__` modules are left out: importing one runs its command line. What they import is
    imported through the modules they name.
    """
    package = importlib.import_module(package_name)
    names = [package_name]
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
        if info.name.rsplit(".", 1)[-1] != "__main__":
            names.append(info.name)
    return sorted(names)


def import_failures(package_names: tuple[str, ...]) -> dict[str, str]:
    """{module: the last line of its traceback} for every module that does not import."""
    failures: dict[str, str] = {}
    for package_name in package_names:
        try:
            names = module_names(package_name)
        except Exception:
            failures[package_name] = traceback.format_exc().strip().splitlines()[-1]
            continue
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:
                failures[name] = traceback.format_exc().strip().splitlines()[-1]
    return failures


def main(argv: list[str]) -> int:
    packages = tuple(argv) or DEFAULT_PACKAGES
    if "podium" in packages:
        # Models, admin and views import only inside a configured project.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podium.settings")
        import django

        django.setup()
    failures = import_failures(packages)
    for name, reason in sorted(failures.items()):
        print(f"FAILED {name}: {reason}")
    if failures:
        return 1
    print(f"imported every module of {', '.join(packages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
