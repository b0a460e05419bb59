"""FinCausal 2020 task 2: our span scores equal the official script's to 1e-9.

The reference below transcribes YseopLab's ``task2_evaluate.py`` the way it computes: the real
``nltk.word_tokenize`` (fed the English Punkt model through an nltk_data folder written here,
in NLTK's punkt_tab format, so that nltk loads it as it would a download), the recursive
``_get_sequences`` chain search, labels written cause first then effect, exact match on the
rows as submitted, scikit-learn's weighted F1 to re-pair the relations of texts with several,
and scikit-learn's weighted precision/recall/F1 over the pooled token labels.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scorers.conftest import overall, run_cli, score, write_csv

nltk = pytest.importorskip("nltk")
punkt = pytest.importorskip("punkt")
skm = pytest.importorskip("sklearn.metrics")

TOL = 1e-9
CLASSES = ["-", "C", "E"]
SPEC = {
    "format": "csv",
    "separator": ";",
    "gold_format": "csv",
    "id_field": "Index",
    "value_field": ["Cause", "Effect"],
    "text_field": "Text",
    "metrics": ["span_f1", "span_precision", "span_recall", "span_exact_match"],
    "primary": "span_f1",
}


@pytest.fixture(scope="module")
def word_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The real nltk.word_tokenize, its English Punkt model installed as punkt_tab files."""
    root = tmp_path_factory.mktemp("nltk_data")
    folder = root / "tokenizers" / "punkt_tab" / "english"
    folder.mkdir(parents=True)
    model = punkt.load_model("english")
    (folder / "abbrev_types.txt").write_text("\n".join(sorted(model.abbrev_types)))
    (folder / "sent_starters.txt").write_text("\n".join(sorted(model.sent_starters)))
    (folder / "collocations.tab").write_text(
        "\n".join("\t".join(pair) for pair in sorted(model.collocations))
    )
    (folder / "ortho_context.tab").write_text(
        "\n".join(f"{k}\t{v}" for k, v in sorted(model.ortho_context.items()))
    )
    nltk.data.path.insert(0, str(root))
    try:
        yield nltk.word_tokenize
    finally:
        nltk.data.path.remove(str(root))


# ---- the official algorithm, transcribed ----------------------------------------------------


def _build_token_index(text, tokenize):
    tokens = tokenize(text)
    index = {}
    for position, token in enumerate(tokens):
        index.setdefault(token, []).append(position)
    return tokens, index


def _get_sequences(*args, value=None):
    if len(args) == 1:
        if value is not None:
            return [x for x in args[0] if x > value and (x < value + 3)]
        return [args[0]]
    result = []
    for x in args[0]:
        if value is None or (x > value and (x < value + 3)):
            seqs = _get_sequences(*args[1:], value=x)
            if len(seqs) == 0:
                result.append([x])
            else:
                for s in seqs:
                    result.append([x, *s] if type(s) is list else [x, s])
    return result


def _get_tokens_sequence(text, index, tokenize):
    positions = []
    for token in tokenize(text):
        if token in index:
            positions.append(index[token])
        elif token + "." in index:
            positions.append(index[token + "."])
    if len(positions) == 0:
        return positions
    return max(_get_sequences(*positions), key=len)


def _encode(text, cause, effect, tokenize):
    words, index = _build_token_index(text, tokenize)
    labels = ["-" for _ in words]
    for position in _get_tokens_sequence(cause, index, tokenize):
        labels[position] = "C"
    for position in _get_tokens_sequence(effect, index, tokenize):
        labels[position] = "E"
    return labels


def official(gold_rows, pred_rows, tokenize):
    truth = [(r[0], _encode(r[1], r[2].lstrip(), r[3].lstrip(), tokenize)) for r in gold_rows]
    predict = [(r[0], _encode(r[1], r[2].lstrip(), r[3].lstrip(), tokenize)) for r in pred_rows]
    exact_match, y_truth, y_predict, multi = 0, [], [], {}
    for (index, t), (_, p) in zip(truth, predict, strict=True):
        exact_match += 1 if all(x == y for x, y in zip(t, p, strict=False)) else 0
        if index.count(".") == 2:
            root = ".".join(index.split(".")[:-1])
            multi.setdefault(root, [[], []])
            multi[root][0].append(t)
            multi[root][1].append(p)
        else:
            y_truth.extend(t)
            y_predict.extend(p)
    for section in multi.values():
        candidates = section[1]
        for t in section[0]:
            best = None
            for p in candidates:
                f1 = skm.f1_score(t, p, labels=CLASSES, average="weighted", zero_division=0)
                if best is None or f1 > best[1]:
                    best = (p, f1)
            y_truth.extend(t)
            y_predict.extend(best[0])
            candidates.remove(best[0])
    precision, recall, f1, _ = skm.precision_recall_fscore_support(
        y_truth, y_predict, labels=CLASSES, average="weighted", zero_division=0
    )
    return {
        "span_precision": precision,
        "span_recall": recall,
        "span_f1": f1,
        "span_exact_match": exact_match / len(truth),
    }


# ---- data -----------------------------------------------------------------------------------

MORGAN = (
    "Boussard Gavaudan Investment Management LLP bought a new position in shares of GENFIT S "
    "A/ADR in the second quarter worth about $199,000. Morgan Stanley increased its stake in "
    "shares of GENFIT S A/ADR by 24.4% in the second quarter.Morgan Stanley now owns 10,700 "
    "shares of the company's stock worth $211,000 after purchasing an additional 2,100 shares "
    "during the period."
)
ZHAO = (
    "Zhao found himself 60 million yuan indebted after losing 9,000 BTC in a single day "
    "(February 10, 2014)"
)
TRANSAT = (
    "Transat A.T. Inc. said its loss more than doubled, as it works to complete the sale of "
    "Air Transat to Air Canada. Revenue fell 3.2% to $1.5 billion, and the shares dropped 5% "
    "as a result. Analysts at J.P. Morgan Chase & Co. cut their rating to neutral."
)
HANDWRITTEN = [
    # (index, text, gold cause, gold effect, predicted cause, predicted effect)
    ("0001.00001", MORGAN,
     "Morgan Stanley increased its stake in shares of GENFIT S A/ADR by 24.4% in the second "
     "quarter",
     "Morgan Stanley now owns 10,700 shares of the company's stock worth $211,000 after "
     "purchasing an additional 2,100 shares during the period.",
     "Morgan Stanley increased its stake in shares of GENFIT S A/ADR by 24.4%",
     "Morgan Stanley now owns 10,700 shares of the company's stock worth $211,000"),
    ("0001.00002", ZHAO, "losing 9,000 BTC in a single day (February 10, 2014)",
     "Zhao found himself 60 million yuan indebted",
     "losing 9,000 BTC", "Zhao found himself 60 million yuan indebted after"),
    ("0002.00003.1", TRANSAT, "it works to complete the sale of Air Transat to Air Canada",
     "Transat A.T. Inc. said its loss more than doubled",
     "Revenue fell 3.2% to $1.5 billion", "the shares dropped 5%"),
    ("0002.00003.2", TRANSAT, "Revenue fell 3.2% to $1.5 billion",
     "the shares dropped 5% as a result.",
     "it works to complete the sale", "Transat A.T. Inc. said its loss more than doubled,"),
    ("0002.00003.3", TRANSAT, "Revenue fell", "Analysts at J.P. Morgan Chase & Co. cut their "
     "rating to neutral.", "Revenue", "Analysts at J.P. Morgan Chase & Co."),
    ("0003.00004", "Shares jumped 7% after the merger was announced on Feb. 3.",
     "the merger was announced on Feb. 3", "Shares jumped 7%",
     "the merger", "Shares jumped 7% after the merger"),
]  # fmt: skip

WORDS = [
    *[
        "the",
        "company",
        "said",
        "shares",
        "of",
        "Inc.",
        "Corp.",
        "rose",
        "fell",
        "24.4%",
        "$1.5",
        "billion",
        "in",
        "the",
        "second",
    ],
    *[
        "quarter",
        "because",
        "after",
        "as",
        "a",
        "result",
        "of",
        ",",
        ".",
        "(",
        ")",
        "'s",
        "U.S.",
        "Mr.",
        "Smith",
        "sales",
        "profit",
        "net",
    ],
    *["income", "loss", "dividend", "stake", "10,700", "Co.", "Ltd.", "analysts", "expected"],
]


def _random_text(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(1, 4)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 22))]
        end = rng.choice([".", ".", ".", "!", ""])
        sentences.append(" ".join(words).capitalize() + end)
    glue = rng.choice([" ", " ", "", "  "])  # "" glues "quarter.Morgan"-style pairs
    return glue.join(sentences)


def _substring(rng: random.Random, text: str) -> str:
    """A piece of the text: usually word-aligned, sometimes cut inside a word."""
    if rng.random() < 0.75:
        words = text.split(" ")
        a = rng.randrange(len(words))
        b = min(len(words), a + rng.randint(1, 12))
        return " ".join(words[a:b])
    a = rng.randrange(len(text))
    return text[a : a + rng.randint(1, 60)]


def random_rows(seed: int, n_texts: int) -> tuple[list[list[str]], list[list[str]]]:
    rng = random.Random(seed)
    gold, pred = [], []
    for t in range(n_texts):
        text = _random_text(rng)
        n = rng.choice([1, 1, 1, 2, 3])
        truth = [(_substring(rng, text), _substring(rng, text)) for _ in range(n)]
        # Predictions: the gold relations in another order (the re-pairing must find them),
        # cause and effect swapped, or other pieces of the text.
        guesses = rng.sample(truth, n) if rng.random() < 0.4 else list(truth)
        for r in range(n):
            roll = rng.random()
            if roll < 0.15:
                guesses[r] = guesses[r][::-1]
            elif roll < 0.6:
                guesses[r] = (_substring(rng, text), _substring(rng, text))
        for r, ((cause, effect), guess) in enumerate(zip(truth, guesses, strict=True)):
            index = f"{t:04d}.{t:05d}" + (f".{r + 1}" if n > 1 else "")
            gold.append([index, text, cause.strip(), effect.strip()])
            pred.append([index, text, guess[0].strip(), guess[1].strip()])
    return gold, pred


def _files(tmp_path: Path, gold_rows, pred_rows) -> tuple[Path, Path]:
    header = ["Index", "Text", "Cause", "Effect"]
    gold = write_csv(tmp_path / "gold.csv", header, gold_rows, sep="; ")
    pred = write_csv(tmp_path / "pred.csv", header, pred_rows, sep="; ")
    return gold, pred


def _check(got: dict, want: dict) -> None:
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=TOL), key


def test_handwritten_rows_match_the_official_script(tmp_path: Path, word_tokenize):
    gold_rows = [[i, t, c, e] for i, t, c, e, _, _ in HANDWRITTEN]
    pred_rows = [[i, t, c, e] for i, t, _, _, c, e in HANDWRITTEN]
    gold, pred = _files(tmp_path, gold_rows, pred_rows)
    want = official(gold_rows, pred_rows, word_tokenize)
    _check(overall(score(SPEC, gold, pred)), want)
    # A perfect submission, and the re-pairing: relations of one text given in another order.
    perfect = [list(r) for r in gold_rows]
    perfect[2][2:], perfect[3][2:] = gold_rows[3][2:], gold_rows[2][2:]
    pred2 = write_csv(tmp_path / "perfect.csv", ["Index", "Text", "Cause", "Effect"], perfect, "; ")
    got = overall(score(SPEC, gold, pred2))
    _check(got, official(gold_rows, perfect, word_tokenize))
    assert got["span_f1"] == pytest.approx(1.0)
    assert got["span_exact_match"] == pytest.approx(4 / 6)  # exact match is not re-paired


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_rows_match_the_official_script(tmp_path: Path, word_tokenize, seed: int):
    gold_rows, pred_rows = random_rows(seed, 120)
    gold, pred = _files(tmp_path, gold_rows, pred_rows)
    _check(overall(score(SPEC, gold, pred)), official(gold_rows, pred_rows, word_tokenize))


def test_our_tokenizer_is_nltk_word_tokenize(word_tokenize):
    from scorers.metrics.nltk_tokens import word_tokenize as ours

    texts = [MORGAN, ZHAO, TRANSAT] + [_random_text(random.Random(s)) for s in range(300)]
    for text in texts:
        assert ours(text) == word_tokenize(text), text


def test_the_cli_scores_fincausal_through_nltk(tmp_path: Path, word_tokenize):
    import json

    gold_rows = [[i, t, c, e] for i, t, c, e, _, _ in HANDWRITTEN]
    pred_rows = [[i, t, c, e] for i, t, _, _, c, e in HANDWRITTEN]
    gold, pred = _files(tmp_path, gold_rows, pred_rows)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    code, out = run_cli("score", "--spec", str(spec), "--gold", str(gold), "--pred", str(pred))
    assert code == 0, out
    _check(out["scores"]["all"]["overall"], official(gold_rows, pred_rows, word_tokenize))
