"""Token labels of FinCausal 2020 task 2, computed as the official scorer computes them.

The official script (YseopLab, ``task2_evaluate.py``) tokenises the text with
``nltk.word_tokenize`` and indexes every token's positions. A cause or an effect is tokenised the
same way; each of its tokens is looked up in the index (failing that, the token followed by
"." is, because Punkt leaves the period on a sentence-internal abbreviation such as "Inc."), and
tokens found nowhere are dropped. A recursive search then chains the positions, each at most
two after the previous one, and keeps the first longest chain; those tokens get "C" or "E" (the
effect is written second, so it wins overlaps). Quirks kept on purpose, since they change the
numbers: a chain stops at the first token it cannot reach (the rest of the span is lost), and a
span of a single token marks every occurrence of that token.

Texts with several relations (index ``x.y.z``, the relations of one text) are re-paired: for
each gold relation in file order, the remaining prediction of that text with the highest
token-weighted F1 is taken (the first one on ties) and removed from the candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

from scorers.metrics.nltk_tokens import word_tokenize

CLASSES = ("-", "C", "E")
Index = dict[str, list[int]]


def token_index(text: str) -> tuple[int, Index]:
    """(number of tokens, each token's positions in increasing order)."""
    index: Index = {}
    tokens = word_tokenize(text)
    for position, token in enumerate(tokens):
        index.setdefault(token, []).append(position)
    return len(tokens), index


def span_positions(span: str, index: Index, tokenize: Callable[[str], list[str]]) -> list[int]:
    """Positions the official ``get_tokens_sequence`` labels for ``span``."""
    candidates: list[list[int]] = []
    for token in tokenize(span):
        if token in index:
            candidates.append(index[token])
        elif token + "." in index:
            candidates.append(index[token + "."])
    if not candidates:
        return []
    if len(candidates) == 1:
        return list(candidates[0])  # the official recursion returns all of them in this case
    return _first_longest_chain(candidates)


def _first_longest_chain(levels: list[list[int]]) -> list[int]:
    """The official recursion's ``max(sequences, key=len)`` without enumerating sequences.

    The recursion lists, depth first and in increasing position order, every chain that starts
    at any position of the first token and steps to a position of the next token 1 or 2 further
    on, extended until it cannot step (or the tokens run out). That order is lexicographic, so
    the first longest chain is found greedily from the longest-chain lengths computed backwards
    (the recursion itself is exponential on repetitive spans).
    """
    longest: list[dict[int, int]] = [dict.fromkeys(levels[-1], 1)]
    for level in range(len(levels) - 2, -1, -1):
        after = longest[0]
        longest.insert(
            0, {x: 1 + max((after[y] for y in (x + 1, x + 2) if y in after), default=0)
                for x in levels[level]},
        )  # fmt: skip
    best = max(longest[0].values())
    chain = [next(x for x in levels[0] if longest[0][x] == best)]
    for level in range(1, best):
        want = best - level
        step = longest[level]
        chain.append(next(y for y in (chain[-1] + 1, chain[-1] + 2) if step.get(y) == want))
    return chain


def label_codes(length: int, index: Index, cause: str, effect: str) -> np.ndarray:
    """Class codes (0 "-", 1 "C", 2 "E") of the text's tokens."""
    labels = np.zeros(length, dtype=np.int64)
    for code, span in ((1, cause), (2, effect)):
        labels[span_positions(span, index, word_tokenize)] = code
    return labels


def confusion(truth: np.ndarray, pred: np.ndarray) -> np.ndarray:
    return np.bincount(truth * 3 + pred, minlength=9).reshape(3, 3)


def weighted_f1(conf: np.ndarray) -> Fraction:
    """Support-weighted F1 (zero_division 0), exact: the re-pairing compares these values, and
    exact arithmetic keeps a mathematical tie a tie (the first candidate wins it)."""
    support = [int(v) for v in conf.sum(axis=1)]
    predicted = [int(v) for v in conf.sum(axis=0)]
    total = sum(support)
    if total == 0:
        return Fraction(0)
    score = Fraction(0)
    for k in range(3):
        if support[k] + predicted[k]:
            f1 = Fraction(2 * int(conf[k, k]), support[k] + predicted[k])
            score += f1 * support[k]
    return score / total


def relation_root(row_id: str) -> str | None:
    """ "0003.00117.2" -> "0003.00117": the text that rows with two dots share."""
    return row_id.rsplit(".", 1)[0] if row_id.count(".") == 2 else None


def encode_rows(
    ids: list[str], texts: list[str], gold: list[tuple[str, str]], pred: list[tuple[str, str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row 3x3 token confusion matrices (after re-pairing) and exact-match flags.

    Exact match compares each row with its own prediction, as the official script does before
    re-pairing.
    """
    indexes: dict[str, tuple[int, Index]] = {}
    truth, guess = [], []
    for text, g, p in zip(texts, gold, pred, strict=True):
        if text not in indexes:
            indexes[text] = token_index(text)
        length, index = indexes[text]
        truth.append(label_codes(length, index, *g))
        guess.append(label_codes(length, index, *p))
    exact = np.array([np.array_equal(t, q) for t, q in zip(truth, guess, strict=True)], dtype=bool)
    matched = list(range(len(ids)))  # the prediction row scored against each gold row
    groups: dict[str, list[int]] = {}
    for row, row_id in enumerate(ids):
        root = relation_root(row_id)
        if root is not None:
            groups.setdefault(root, []).append(row)
    for rows in groups.values():
        candidates = list(rows)
        for row in rows:
            scores = [weighted_f1(confusion(truth[row], guess[c])) for c in candidates]
            pick = candidates[scores.index(max(scores))]  # index(): the first best
            matched[row] = pick
            candidates.remove(pick)
    conf = np.zeros((len(ids), 3, 3), dtype=np.int64)
    for row, other in enumerate(matched):
        conf[row] = confusion(truth[row], guess[other])
    return conf, exact
