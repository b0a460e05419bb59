"""The fast path maps a file into memory (scorers/csrc/mapping.c) with zero bytes after it, which
the scanner's eight-byte loads read: that padding must be there even when the file fills its
last page exactly, and a file must read the same whether or not it ends with a newline."""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np
import pytest

from scorers import fastpath
from scorers.bytecols import file_bytes
from scorers.spec import Limits


def _file_of_size(path: Path, size: int, final_newline: bool) -> Path:
    line = b'{"id": "x", "label": "a"}\n'
    body = (line * (size // len(line) + 1))[:size]
    body = body[:-1] + (b"\n" if final_newline else b"a")
    path.write_bytes(body)
    return path


@pytest.mark.parametrize("size", [1, mmap.PAGESIZE - 1, mmap.PAGESIZE, 3 * mmap.PAGESIZE])
@pytest.mark.parametrize("final_newline", [True, False])
def test_the_bytes_are_the_file_then_zeros(tmp_path: Path, size: int, final_newline: bool):
    path = _file_of_size(tmp_path / "f.jsonl", size, final_newline)
    with open(path, "rb") as fh:
        data = file_bytes(fh.fileno(), size)
    assert data is not None and len(data) >= size + 9
    assert data[:size].tobytes() == path.read_bytes()
    assert not data[size:].any()
    data[size] = 10  # writable: the fast path adds the missing final newline here


def test_a_file_shorter_than_said_is_not_read(tmp_path: Path):
    path = tmp_path / "short.jsonl"
    path.write_bytes(b"abc\n")
    with open(path, "rb") as fh:
        assert file_bytes(fh.fileno(), 100) is None


@pytest.mark.parametrize("final_newline", [True, False])
def test_load_pads_a_file_that_fills_its_last_page(tmp_path: Path, final_newline: bool):
    path = _file_of_size(tmp_path / "page.jsonl", 2 * mmap.PAGESIZE, final_newline)
    loaded = fastpath._load(path, Limits(), b"\\")
    assert loaded is not None
    padded, first, lines, ascii = loaded
    assert ascii
    text = path.read_bytes()
    assert lines == text.count(b"\n") + (0 if final_newline else 1)
    end = len(text) + (0 if final_newline else 1)
    assert padded[: len(text)].tobytes() == text and padded[end - 1] == 10
    assert len(padded) == end + 8 and not np.any(padded[end:])
    assert first == text.split(b"\n")[0]


def test_the_scanner_refuses_a_wrong_line_count(tmp_path: Path):
    """The line count comes from scan_bytes; a wrong one must give "not sure", never a read
    past the data."""
    from scorers import _spans

    data = np.frombuffer(bytearray(b"a,1\nb,2\n" + bytes(8)), dtype=np.uint8)
    for lines in (1, 3, 100):
        assert _spans.delimited_spans(data, 8, lines, ord(","), 2, 10**6, 10**6, b"") is None
    assert _spans.delimited_spans(data, 8, 2, ord(","), 2, 10**6, 10**6, b"") is not None
    jsonl = np.frombuffer(bytearray(b'{"a": "x"}\n{"a": "y"}\n' + bytes(8)), dtype=np.uint8)
    pieces = (b'{"a": "', b'"}')
    for lines in (1, 3, 100):
        assert _spans.jsonl_columns(jsonl, 22, lines, pieces, "s", "s", 10**6, 10**6, 8) is None
    assert _spans.jsonl_columns(jsonl, 22, 2, pieces, "s", "s", 10**6, 10**6, 8) is not None
