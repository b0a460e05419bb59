"""What checking a results zip at upload costs (programs.unpack.check_zip).

    python bench/bench_results_zip_check.py [--mb 50] [--files 200] [--runs 7]

A results zip of --files members holding --mb MB in all (pseudo-random text, which compresses
about 1.3x, so the check really inflates that much) is checked three ways, medians over --runs:

- check_zip: the upload check (every zip rule, each member inflated in 64 KB blocks and dropped);
- ZipFile.testzip(): the standard library's own streaming CRC check of every member, the
  strongest hand-written alternative (it applies none of the rules);
- safe_extract: what scoring does (the same rules, writing the files to disk).

Peak Python memory of check_zip is printed too (tracemalloc). Figures are printed; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import string
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from podium.programs.unpack import UnpackLimits, check_zip, safe_extract  # noqa: E402


def build(path: Path, mb: int, files: int) -> None:
    rng = random.Random(3)
    alphabet = (string.ascii_letters + string.digits + " \n").encode()
    size = mb * 1024 * 1024 // files
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(files):
            archive.writestr(f"res/part-{i:04d}.txt", bytes(rng.choices(alphabet, k=size)))


def median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    limits = UnpackLimits(max_total_bytes=(args.mb + 10) * 1024 * 1024)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "results.zip"
        build(source, args.mb, args.files)
        print(f"zip: {source.stat().st_size / 1048576:.1f} MB, {args.mb} MB in {args.files} files")

        def check():
            with open(source, "rb") as handle:
                check_zip(handle, limits=limits)

        def testzip():
            with zipfile.ZipFile(source) as archive:
                assert archive.testzip() is None

        counter = iter(range(10**6))

        def extract():
            safe_extract(source, Path(scratch) / f"out-{next(counter)}", limits=limits)

        figures = {
            "check_zip (upload)": median_ms(check, args.runs),
            "ZipFile.testzip (stdlib)": median_ms(testzip, args.runs),
            "safe_extract (scoring)": median_ms(extract, args.runs),
        }
        for name, value in figures.items():
            print(f"{name:26s} {value:8.1f} ms")
        with open(source, "rb") as handle:
            tracemalloc.start()
            check_zip(io.BufferedReader(handle), limits=limits)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        print(f"check_zip peak Python memory: {peak / 1024:.0f} KB")


if __name__ == "__main__":
    main()
