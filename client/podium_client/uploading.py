"""A file opened for upload that moves a progress bar as httpx reads it."""

from __future__ import annotations

from pathlib import Path


class ProgressFile:
    """What httpx's multipart encoder needs (read, seek, fileno for the length), plus progress.

    httpx rewinds the file (seek(0)) each time it sends the body, so a retried upload restarts
    the bar instead of overshooting it.
    """

    def __init__(self, path: Path, progress):
        self.path = path
        self.progress = progress
        self.handle = None
        self.bar = None

    def __enter__(self) -> ProgressFile:
        self.handle = self.path.open("rb")
        size = self.path.stat().st_size
        self.bar = self.progress.add_task(f"uploading {self.path.name}", total=size)
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def fileno(self) -> int:
        return self.handle.fileno()

    def tell(self) -> int:
        return self.handle.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self.handle.seek(offset, whence)
        self.progress.update(self.bar, completed=position)
        return position

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.progress.advance(self.bar, len(chunk))
        return chunk
