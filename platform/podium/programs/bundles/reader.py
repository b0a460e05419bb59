"""Reading competition.yaml of a Codabench (v2) or CodaLab (v1.5 / v1.8) bundle into a draft.

Every problem names its key (``phases[1].end: ...``); everything the bundle holds that Podium
does not import is listed in ``not_imported``, never dropped in silence.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import yaml

from podium.programs.bundles.common import BundleFiles
from podium.programs.bundles.draft import BundleDraft, BundleError
from podium.programs.bundles.v1 import read_v1
from podium.programs.bundles.v2 import read_v2
from podium.programs.unpack import ORGANISER_LIMITS, UnpackError, safe_extract

YAML_NAMES = ("competition.yaml", "competition.yml")


def open_bundle(path: Path, work: Path) -> Path:
    """The bundle's root folder: ``path`` itself, or a zip unpacked under the zip rules."""
    if path.is_dir():
        root = path
    elif zipfile.is_zipfile(path):
        try:
            safe_extract(path, work / "bundle", limits=ORGANISER_LIMITS)
        except UnpackError as exc:
            raise BundleError([f"(bundle): {exc}"]) from exc
        root = work / "bundle"
    else:
        raise BundleError([f"(bundle): {path} is neither a folder nor a zip file"])
    if not any((root / name).is_file() for name in YAML_NAMES):
        children = [p for p in root.iterdir() if p.is_dir()]
        if len(children) == 1 and any((children[0] / n).is_file() for n in YAML_NAMES):
            root = children[0]  # zipped with its folder
        else:
            raise BundleError(["(bundle): no competition.yaml at the top of the bundle"])
    return root


def load_yaml(root: Path) -> dict:
    path = next(root / n for n in YAML_NAMES if (root / n).is_file())
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BundleError([f"(competition.yaml): not valid YAML ({exc})"]) from exc
    if not isinstance(document, dict):
        raise BundleError(["(competition.yaml): expected a mapping of keys"])
    return document


def read_bundle(root: Path, work: Path) -> BundleDraft:
    document = load_yaml(root)
    errors: list[str] = []
    files = BundleFiles(root, work, errors)
    read = read_v2 if str(document.get("version", "")).strip() in ("2", "2.0") else read_v1
    draft = read(document, files, errors)
    if not draft.title:
        errors.append("title: is required")
    if errors:
        raise BundleError(errors)
    return draft


__all__ = ["BundleDraft", "BundleError", "open_bundle", "read_bundle"]
