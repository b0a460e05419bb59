"""Decoding one human-to-machine boundary from per-word class scores (the boundary subtask)."""

from __future__ import annotations

import numpy as np


def change_point(logits: np.ndarray) -> int:
    """The boundary b that best explains the words: human before b, machine from b on.

    Maximises sum(log p_human[:b]) + sum(log p_machine[b:]) over b in 0..n, which respects the
    one-boundary structure that a per-word argmax would break on a single noisy word.
    """
    if len(logits) == 0:
        return 0
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    human = np.concatenate([[0.0], np.cumsum(logp[:, 0])])
    machine = np.concatenate([[0.0], np.cumsum(logp[::-1, 1])])[::-1]
    return int(np.argmax(human + machine))
