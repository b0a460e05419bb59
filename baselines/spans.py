"""Connective split: the cheap baseline for cause/effect span extraction (FinCausal task 2).

Training texts show where their cause and effect sit; the words between the two spans are the
connective ("due to", "which led to") and the spans' order says which side is the cause. A test
text is split at the learned connective that occurs in it (the most frequent in training, the
first occurrence), and the two sides become cause and effect in that connective's usual order.
A text without a known connective is split in the middle, in the order most training texts use.
Spans are whitespace-separated words of the text, so they are always substrings of it.

Parameters: ``max_words`` (the longest connective kept, default 4), ``lowercase`` (default true).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from baselines.task import Job, Predictions


def _words(text: str) -> list[str]:
    return text.split()


def _bare(words: list[str]) -> list[str]:
    """Words without the punctuation that sticks to them ("growth." is "growth")."""
    return [w.rstrip(".,;:") for w in words]


def _find(words: list[str], span: list[str], start: int = 0) -> int:
    """The word index where ``span`` starts in ``words`` (from ``start``), else -1."""
    for i in range(start, len(words) - len(span) + 1):
        if words[i : i + len(span)] == span:
            return i
    return -1


def _norm(words: list[str], lowercase: bool) -> tuple[str, ...]:
    return tuple(w.lower() for w in words) if lowercase else tuple(words)


class ConnectiveSplit:
    def __init__(self, max_words: int, lowercase: bool):
        self.max_words = max_words
        self.lowercase = lowercase
        self.counts: Counter[tuple[str, ...]] = Counter()
        self.cause_first: Counter[tuple[str, ...]] = Counter()
        self.default_cause_first = True

    def fit(self, texts: list[str], answers: list[tuple[str, str]]) -> ConnectiveSplit:
        order: Counter[bool] = Counter()
        for text, (cause, effect) in zip(texts, answers, strict=True):
            words, c, e = _bare(_words(text)), _bare(_words(cause)), _bare(_words(effect))
            ci, ei = _find(words, c), _find(words, e)
            if ci < 0 or ei < 0 or not c or not e:
                continue
            gap = words[ci + len(c) : ei] if ci < ei else words[ei + len(e) : ci]
            order[ci < ei] += 1
            if 0 < len(gap) <= self.max_words:
                key = _norm(gap, self.lowercase)
                self.counts[key] += 1
                self.cause_first[key] += ci < ei
        self.default_cause_first = order[True] >= order[False]
        return self

    def split(self, text: str) -> tuple[str, str]:
        words = _words(text)
        keys = _norm(_bare(words), self.lowercase)
        for connective, count in self.counts.most_common():
            at = _find(list(keys), list(connective), 1)
            if 0 < at < len(words) - len(connective):
                left, right = words[:at], words[at + len(connective) :]
                cause_first = 2 * self.cause_first[connective] >= count
                return self._assign(left, right, cause_first)
        middle = max(1, len(words) // 2)
        return self._assign(words[:middle], words[middle:], self.default_cause_first)

    @staticmethod
    def _assign(left: list[str], right: list[str], cause_first: bool) -> tuple[str, str]:
        a, b = " ".join(left), " ".join(right).rstrip(".")
        return (a, b) if cause_first else (b, a)


def fit_predict(job: Job, method: str = "connective-split") -> Predictions:
    texts = [row[0] for row in job.train]
    job.progress({"stage": "fit", "step": 0, "total_steps": 1, "message": "learning connectives"})
    model = ConnectiveSplit(int(job.param("max_words", 4)), bool(job.param("lowercase", True)))
    model.fit(texts, job.y)
    job.progress({"stage": "fit", "step": 1, "total_steps": 1, "message": "predicting"})
    dev = [model.split(row[0]) for row in job.dev] if job.dev else None
    test = [model.split(row[0]) for row in job.test]
    info: dict[str, Any] = {"connectives": len(model.counts)}
    return Predictions(dev, test, info)
