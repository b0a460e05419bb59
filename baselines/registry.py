"""The methods a baseline run can use: names, what they serve, where their code lives.

Pure data so that the web process can list methods without importing sklearn or torch. A
method is a function ``fit_predict(job: Job) -> Predictions`` in the module named here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Task types (baselines.task): what the model predicts for one input row.
CLASSIFICATION = "classification"  # a label (or, for "score" metrics, a positive-class score)
REGRESSION = "regression"  # a number, e.g. a similarity score
BOUNDARY = "boundary"  # the index of the first machine-written word (token classification)
SPANS = "spans"  # the cause and the effect, as spans of the text (FinCausal task 2)
TASKS = (CLASSIFICATION, REGRESSION, BOUNDARY, SPANS)


@dataclass(frozen=True)
class Method:
    name: str
    module: str
    tasks: tuple[str, ...]
    description: str
    uses_model: bool = False  # reads weights from --model (default: the packaged MiniLM)
    supervised: bool = True  # learns from the training labels
    gpu: bool = False  # benefits from the gpu queue


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method(
            "tfidf-lr",
            "baselines.tfidf",
            (CLASSIFICATION,),
            "TF-IDF word 1-2-grams and character 2-4-grams, logistic regression",
        ),
        Method(
            "tfidf-svm",
            "baselines.tfidf",
            (CLASSIFICATION,),
            "TF-IDF word 1-2-grams and character 2-4-grams, linear SVM",
        ),
        Method(
            "word-logodds",
            "baselines.boundary",
            (BOUNDARY,),
            "per-word human/machine log-odds from training counts, best single change point",
        ),
        Method(
            "tfidf-cosine",
            "baselines.similarity",
            (REGRESSION,),
            "cosine of the TF-IDF vectors of the two texts, scaled to the range (unsupervised)",
            supervised=False,
        ),
        Method(
            "embedding-cosine",
            "baselines.similarity",
            (REGRESSION,),
            "cosine of mean-pooled sentence embeddings, scaled to the range (unsupervised)",
            uses_model=True,
            supervised=False,
            gpu=True,
        ),
        Method(
            "connective-split",
            "baselines.spans",
            (SPANS,),
            "split each text at the causal connective learned from training (cause/effect order)",
        ),
        Method(
            "transformer",
            "baselines.transformer",
            (CLASSIFICATION, REGRESSION, BOUNDARY),
            "fine-tuned transformer: sequence classification, regression or token classification",
            uses_model=True,
            gpu=True,
        ),
    )
}


def get_method(name: str) -> Method:
    from baselines.errors import BaselineError

    if name not in METHODS:
        raise BaselineError(f"unknown method {name!r}; known methods: {', '.join(METHODS)}")
    return METHODS[name]
