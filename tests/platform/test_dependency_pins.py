"""The dependency set CI installs is pinned: every requirement in pyproject.toml (base and extras)
has one exact version in constraints.txt, that version satisfies the requirement, and the set-up
script installs through the constraints."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def pins() -> dict[str, Version]:
    found: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"constraints.txt: {line!r} is not an exact pin (name==version)"
        found[canonicalize_name(name)] = Version(version)
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        listed += extra
    return [Requirement(text) for text in listed]


def test_every_declared_dependency_is_pinned_to_a_version_it_accepts():
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pinned[name]}, "
            f"outside pyproject's {requirement.specifier}"
        )


def test_the_setup_script_installs_through_the_constraints():
    script = (ROOT / "scripts/setup.sh").read_text(encoding="utf-8")
    installs = [line for line in script.splitlines() if re.search(r"pip install .*-e \"?\.", line)]
    assert installs, "scripts/setup.sh does not install the project"
    assert all("-c constraints.txt" in line for line in installs)
