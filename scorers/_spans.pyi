# Types of the C scanner (scorers/csrc/). Data and positions are buffers: numpy uint8 data
# ending with a newline, and contiguous int64 position arrays; results are bytearrays.
from typing import Any, TypeAlias

import numpy as np

Buffer: TypeAlias = bytes | bytearray | memoryview | np.ndarray

def map_file(fd: int, size: int) -> Buffer | None: ...
def scan_bytes(data: Buffer, size: int, forbidden: bytes) -> tuple[int, int]: ...
def jsonl_columns(
    data: Buffer,
    size: int,
    lines: int,
    pieces: tuple[bytes, ...],
    kinds: str,
    actions: str,
    max_rows: int,
    max_line_bytes: int,
    max_distinct: int,
) -> list[Any] | None: ...
def delimited_spans(
    data: Buffer,
    size: int,
    lines: int,
    sep: int,
    n_fields: int,
    max_rows: int,
    max_line_bytes: int,
    spaces: Buffer,
) -> bytearray | None: ...
def numbers(data: Buffer, starts: Buffer, ends: Buffer, json: bool) -> bytearray | None: ...
def canonical_ints(data: Buffer, starts: Buffer, ends: Buffer, max_digits: int) -> bool: ...
def join(
    gold_data: Buffer,
    gold_starts: Buffer,
    gold_ends: Buffer,
    gold_hashes: Buffer | None,
    pred_data: Buffer,
    pred_starts: Buffer,
    pred_ends: Buffer,
    pred_hashes: Buffer | None,
) -> bytearray | None: ...
def distinct(data: Buffer, starts: Buffer, ends: Buffer, hashes: Buffer | None) -> bool: ...
def factorize(
    data: Buffer, starts: Buffer, ends: Buffer, max_distinct: int
) -> tuple[bytearray, list[bytes]] | None: ...
