"""Word log-odds boundary detection: the cheap baseline for the human-to-machine boundary subtask.

Training texts are split at their gold boundary: words before it count as human, words from it on
as machine. Each word's smoothed class likelihoods give per-word scores for a test text, and the
same single change-point decoder as the transformer's token head picks the boundary. It needs no
GPU and no model, and it is the TF-IDF-era counterpart of the token-classification baseline.

Parameters: ``alpha`` (add-alpha smoothing of the word counts, default 1.0), ``lowercase``
(default true).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from baselines.changepoint import change_point
from baselines.task import Job, Predictions


def _words(text: str, lowercase: bool) -> list[str]:
    words = text.split()
    return [w.lower() for w in words] if lowercase else words


class WordLogOdds:
    def __init__(self, alpha: float, lowercase: bool):
        self.alpha = alpha
        self.lowercase = lowercase
        self.counts: tuple[Counter, Counter] = (Counter(), Counter())
        self.prior = np.log([0.5, 0.5])

    def fit(self, texts: list[str], boundaries: list[int]) -> WordLogOdds:
        human, machine = self.counts
        for text, boundary in zip(texts, boundaries, strict=True):
            words = _words(text, self.lowercase)
            human.update(words[:boundary])
            machine.update(words[boundary:])
        totals = np.array([sum(human.values()), sum(machine.values())], dtype=np.float64)
        self.prior = np.log(np.maximum(totals, 1.0) / max(totals.sum(), 1.0))
        vocabulary = len(set(human) | set(machine)) + 1  # +1: the unseen word
        self.denominators = np.log(totals + self.alpha * vocabulary)
        return self

    def word_scores(self, text: str) -> np.ndarray:
        """(n_words, 2) log-likelihood scores: column 0 human, column 1 machine."""
        words = _words(text, self.lowercase)
        human, machine = self.counts
        counts = np.array([[human[w], machine[w]] for w in words], dtype=np.float64).reshape(-1, 2)
        return np.log(counts + self.alpha) - self.denominators + self.prior

    def predict(self, texts: list[str]) -> np.ndarray:
        return np.array([change_point(self.word_scores(t)) for t in texts], dtype=np.float64)


def fit_predict(job: Job, method: str = "word-logodds") -> Predictions:
    texts = [row[0] for row in job.train]
    job.progress({"stage": "fit", "step": 0, "total_steps": 1, "message": "counting words"})
    model = WordLogOdds(float(job.param("alpha", 1.0)), bool(job.param("lowercase", True)))
    model.fit(texts, [int(y) for y in job.y])
    job.progress({"stage": "fit", "step": 1, "total_steps": 1, "message": "predicting"})
    dev = model.predict([row[0] for row in job.dev]) if job.dev else None
    test = model.predict([row[0] for row in job.test])
    info: dict[str, Any] = {"vocabulary": len(set(model.counts[0]) | set(model.counts[1]))}
    return Predictions(dev, test, info)
