"""Tokenised rows, dynamic padding and length-sorted batches.

Padding each batch only to its longest row, and grouping rows of similar length, cuts the
padding a GPU computes on by several times for real text-length distributions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IGNORE = -100  # label of tokens the loss skips (special tokens, continuation sub-words)
# Training batches are sorted by length inside pools of this many batches, then the batches
# are shuffled: most of the padding saving, with batches still in a random order.
POOL_BATCHES = 50


@dataclass
class Encoded:
    """Token ids per row; for token classification also the first token of each seen word."""

    features: list[dict[str, list[int]]]
    word_starts: list[list[int]] | None = None

    @property
    def lengths(self) -> list[int]:
        return [len(f["input_ids"]) for f in self.features]


def encode(tokenizer: Any, rows: list[tuple[str, ...]], max_length: int) -> Encoded:
    """Sequence inputs: one text, or a pair encoded as the model's sentence pair."""
    firsts = [r[0] for r in rows]
    seconds = [r[1] for r in rows] if rows and len(rows[0]) > 1 else None
    enc = tokenizer(firsts, seconds, truncation=True, max_length=max_length)
    keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
    return Encoded([{k: enc[k][i] for k in keys} for i in range(len(rows))])


def encode_words(tokenizer: Any, rows: list[tuple[str, ...]], max_length: int) -> Encoded:
    """Whitespace words (the boundary index counts them), each labelled by its first token.

    Words cut off by truncation have no start token; the decoder only sees the words kept.
    """
    words = [r[0].split() for r in rows]
    enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_length)
    keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
    features, starts = [], []
    for i in range(len(rows)):
        seen: list[int] = []
        previous = None
        for pos, word in enumerate(enc.word_ids(i)):
            if word is not None and word != previous:
                seen.append(pos)
            previous = word
        features.append({k: enc[k][i] for k in keys})
        starts.append(seen)
    return Encoded(features, starts)


def train_batches(lengths: list[int], batch_size: int, generator: Any) -> list[list[int]]:
    """Shuffled rows, sorted by length within pools, cut into batches, batches shuffled."""
    import torch

    order = torch.randperm(len(lengths), generator=generator).tolist()
    pool = batch_size * POOL_BATCHES
    batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lengths.__getitem__, reverse=True)
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    perm = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in perm]


def eval_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Longest rows first: an out-of-memory error shows on the first batch, not the last."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__, reverse=True)
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def collate(
    features: list[dict[str, list[int]]], pad_id: int, labels: list[Any] | None = None
) -> dict[str, Any]:
    """Pad to the batch's longest row; token labels pad with IGNORE."""
    import torch

    width = max(len(f["input_ids"]) for f in features)
    batch: dict[str, Any] = {}
    for key in features[0]:
        fill = pad_id if key == "input_ids" else 0
        batch[key] = torch.tensor([f[key] + [fill] * (width - len(f[key])) for f in features])
    if labels is not None:
        if isinstance(labels[0], list):
            padded = [row + [IGNORE] * (width - len(row)) for row in labels]
            batch["labels"] = torch.tensor(padded)
        else:
            batch["labels"] = torch.tensor(labels)
    return batch
