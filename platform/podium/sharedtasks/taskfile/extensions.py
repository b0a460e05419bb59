"""Task-file extensions: other apps add a block to a subtask without this package importing
them (so that apps keep depending one way on sharedtasks).

An extension owns one key of a subtask (`program:` for podium.programs), registers itself from
its AppConfig.ready(), and is called by the importer and the exporter:

- ``check(subtask_spec, index, base_dir) -> list[str]``: every problem as ``key.path: message``
  (before anything is written; the import is refused if any extension reports one).
- ``subtask_values(subtask_spec, index) -> dict | None``: the Subtask fields it decides, or None.
- ``skip_data_check(subtask_spec) -> bool``: its subtasks' data files are not built-in gold.
- ``apply(subtask, subtask_spec, base_dir, dry_run) -> list[str]``: write, return the changes.
- ``export(subtask, out_dir) -> dict``: keys to add to the exported subtask (may be empty).
"""

from __future__ import annotations

from typing import Protocol


class SubtaskExtension(Protocol):
    key: str

    def check(self, subtask_spec, index: int, base_dir) -> list[str]: ...

    def subtask_values(self, subtask_spec, index: int) -> dict | None: ...

    def skip_data_check(self, subtask_spec) -> bool: ...

    def apply(self, subtask, subtask_spec, base_dir, dry_run: bool) -> list[str]: ...

    def export(self, subtask, out_dir) -> dict: ...


EXTENSIONS: dict[str, SubtaskExtension] = {}


def register(extension: SubtaskExtension) -> None:
    EXTENSIONS[extension.key] = extension
