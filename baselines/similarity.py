"""Unsupervised similarity: the cosine of two texts' vectors, scaled to the spec's range.

No training labels are used (the unsupervised tracks of STS and relatedness tasks forbid them).
Pearson and Spearman do not care about the scaling; it only keeps values inside the range the
submission format demands.

``tfidf-cosine`` fits the TF-IDF vocabulary and document frequencies on all the texts it is
given (train, dev and test inputs, never labels). ``embedding-cosine`` mean-pools the token
embeddings of a sentence encoder (default: the packaged all-MiniLM-L6-v2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from baselines.errors import BaselineError
from baselines.task import Job, Predictions

if TYPE_CHECKING:
    import numpy as np


def _check_pairs(job: Job) -> None:
    if len(job.fields) != 2:
        raise BaselineError(
            f"a similarity method needs two text fields (sentence1,sentence2), got {job.fields}"
        )


def _scale(job: Job, cosine: np.ndarray) -> np.ndarray:
    import numpy as np

    if job.spec.range is None:
        return cosine
    lo, hi = job.spec.range
    return lo + (hi - lo) * np.clip(cosine, 0.0, 1.0)


def _rowwise_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    num = np.sum(a * b, axis=1)
    den = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def _tfidf_cosine(job: Job, splits: list[list[tuple[str, ...]]]) -> list[np.ndarray]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, job.param("max_n", 2)), sublinear_tf=True)
    # Fitting on train inputs too gives better document frequencies; labels stay unused.
    vec.fit([text for rows in (*splits, job.train) for row in rows for text in row])
    out = []
    for rows in splits:
        if not rows:
            out.append(np.zeros(0))
            continue
        a = vec.transform([r[0] for r in rows])  # rows are L2-normalised: the dot is the cosine
        b = vec.transform([r[1] for r in rows])
        out.append(np.asarray(a.multiply(b).sum(axis=1)).ravel())
    return out


def _embedding_cosine(
    job: Job, splits: list[list[tuple[str, ...]]]
) -> tuple[list[np.ndarray], str]:
    import numpy as np

    from baselines.embed import Encoder
    from baselines.torch_setup import device_name

    encoder = Encoder(job.model_path, device=job.param("device", "auto"), params=job.params)
    out = []
    for name, rows in zip(("dev", "test"), splits, strict=True):
        if not rows:
            out.append(np.zeros(0))
            continue
        job.progress({"stage": "embed", "split": name, "rows": len(rows)})
        a = encoder.encode([r[0] for r in rows])
        b = encoder.encode([r[1] for r in rows])
        out.append(_rowwise_cosine(a, b))
    return out, device_name(encoder.device)


def fit_predict(job: Job, method: str = "tfidf-cosine") -> Predictions:
    _check_pairs(job)
    info = {}
    if method == "tfidf-cosine":
        dev, test = _tfidf_cosine(job, [job.dev, job.test])
    else:
        (dev, test), info["device"] = _embedding_cosine(job, [job.dev, job.test])
    return Predictions(_scale(job, dev) if job.dev else None, _scale(job, test), info)
