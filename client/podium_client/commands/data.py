"""podium download: a task's public inputs, with a progress bar, resumable, size-verified.

A download goes to `NAME.part` first, with the server's ETag beside it in `NAME.part.etag`; an
interrupted one (a lost connection, Ctrl-C) continues from where it stopped, with
`Range: bytes=N-` and `If-Range: ETAG`, so a file replaced on the server in the meantime is
fetched whole again rather than spliced. Only a file of exactly the announced size is renamed to
NAME; anything else is refused.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from podium_client.commands.common import Failure, api_for, subtask_of, task_of
from podium_client.http import Api, ApiError
from podium_client.output import note, transfer_progress, when


def register(commands) -> None:
    download = commands.add_parser("download", help="download a task's inputs (resumable)")
    download.add_argument("slug")
    download.add_argument("--split", choices=["train", "dev", "test"], help="default: all released")
    download.add_argument("--subtask", help="default: every subtask")
    download.add_argument("-o", "--output", default=".", help="folder (default: here)")
    download.add_argument("--force", action="store_true", help="download again if already there")
    download.set_defaults(run=run_download)


def file_name(task: str, subtask: str, split: str) -> str:
    """The server's name for the file, which `podium check` looks for."""
    return f"{task}-{subtask}-{split}.jsonl"


def run_download(args) -> int:
    api = api_for(args)
    task = task_of(api, args.slug)
    subtasks = [subtask_of(task, args.subtask)] if args.subtask else task["subtasks"]
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    fetched = 0
    for subtask in subtasks:
        for item in subtask["downloads"]:
            if args.split and item["split"] != args.split:
                continue
            label = f"{subtask['slug']}/{item['split']}"
            if item["available_from"] is not None:
                note(f"{label}: released on {when(item['available_from'])}; skipped")
                continue
            target = folder / file_name(task["slug"], subtask["slug"], item["split"])
            if target.exists() and not args.force:
                note(f"{label}: {target} is already there (--force downloads it again)")
                fetched += 1
                continue
            path = f"/api/v1/tasks/{task['slug']}/data/{subtask['slug']}/{item['split']}/"
            size = fetch(api, path, target, label)
            note(f"{label}: {target} ({size} bytes, {item['rows']} rows)")
            fetched += 1
    if not fetched:
        wanted = f" {args.split}" if args.split else ""
        raise Failure(f"no{wanted} data of {task['slug']!r} to download now")
    return 0


def fetch(api: Api, path: str, target: Path, label: str) -> int:
    """Download to target (resuming a .part), verify its size, return it."""
    part = target.with_name(target.name + ".part")
    tag = target.with_name(target.name + ".part.etag")
    with transfer_progress() as progress:
        bar = progress.add_task(label, total=None)
        for attempt in range(api.retries + 1):
            if attempt:
                api.wait_before_retry(attempt - 1, None)
            done = _attempt(api, path, part, tag, progress, bar)
            if done is not None:
                part.replace(target)
                tag.unlink(missing_ok=True)
                return done
    raise Failure(
        f"{label}: the download kept breaking off; run the same command again to resume "
        f"from {part.stat().st_size if part.exists() else 0} bytes",
        exit_code=2,
    )


def _attempt(api: Api, path: str, part: Path, tag: Path, progress, bar) -> int | None:
    """One request: the verified size when the file is complete, None to resume."""
    offset = part.stat().st_size if part.exists() else 0
    headers = {}
    if offset and tag.exists():
        headers = {"Range": f"bytes={offset}-", "If-Range": tag.read_text().strip()}
    try:
        response = api.send("GET", path, headers=headers, stream=True)
    except ApiError as exc:
        if exc.status != 416:
            raise
        part.unlink(missing_ok=True)  # nothing past our end: start over, the ETag will tell
        tag.unlink(missing_ok=True)
        return None
    try:
        resumed = response.status_code == 206
        total = _total(response)
        if response.headers.get("ETag"):
            tag.write_text(response.headers["ETag"])
        start = offset if resumed else 0
        progress.update(bar, total=total, completed=start)
        with part.open("ab" if resumed else "wb") as handle:
            # As received: a fixed chunk size would buffer, and lose, what came before a break.
            for chunk in response.iter_bytes():
                handle.write(chunk)
                progress.advance(bar, len(chunk))
    except httpx.TransportError:
        return None  # the connection broke off: the next attempt resumes from the .part
    finally:
        response.close()
    size = part.stat().st_size
    if total is None or size == total:
        return size
    if size < total:
        return None
    part.unlink()
    tag.unlink(missing_ok=True)
    raise Failure(f"{part}: received {size} bytes, the server announced {total}; removed it")


def _total(response: httpx.Response) -> int | None:
    announced = response.headers.get("Content-Range", "")
    if "/" in announced:
        tail = announced.rsplit("/", 1)[1]
        return int(tail) if tail.isdigit() else None
    length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None
