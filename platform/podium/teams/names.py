"""Team names that could pass for something else on a leaderboard.

Leaderboards list baselines (the organisers' reference systems) among the teams, labelled
"Baseline: <method>". A team called "Baseline: tfidf-lr", "BASELINE", "Base line" or "Baseline"
spelled with a Cyrillic a (U+0430) would read as one, so such names are reserved.

Names are compared by a skeleton: NFKC (which folds full-width and compatibility letters); each
character replaced by the Latin letter it is confusable with (Unicode's confusables data, through
`confusable_homoglyphs`), or by its plain letter for small capitals and accented letters; case
folded; the few ASCII look-alikes Unicode keeps apart folded together ("1", "i" and "|" read as
"l", "0" as "o"); and everything but letters and digits dropped, so that spaces, dots, dashes and
invisible characters cannot split the word. A false alarm costs a team one more try at a name; a
miss would let it pose as the organisers' reference.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from confusable_homoglyphs import confusables

RESERVED_WORDS = ("baseline",)

# After case folding: characters that read alike in the fonts a leaderboard is shown in.
_ASCII_LOOKALIKES = str.maketrans({"1": "l", "i": "l", "|": "l", "0": "o", "5": "s", "ß": "b"})


# "LATIN LETTER SMALL CAPITAL B", "LATIN SMALL LETTER A WITH GRAVE": Latin variants of a letter
# that the confusables data does not pair with the plain letter.
_LATIN_VARIANT = re.compile(r"^LATIN (?:CAPITAL |SMALL )?LETTER (?:SMALL CAPITAL )?([A-Z])\b")


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    if char.isascii():
        return char
    found = confusables.is_confusable(char, preferred_aliases=["latin"])
    if found and found[0]["homoglyphs"]:
        return found[0]["homoglyphs"][0]["c"]
    variant = _LATIN_VARIANT.match(unicodedata.name(char, ""))
    if variant:
        return variant.group(1)
    # Drop accents: "Bäsèline" reads as "Baseline".
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def name_skeleton(name: str) -> str:
    """What `name` looks like once case, spacing, punctuation and look-alike letters are ignored."""
    folded = unicodedata.normalize("NFKC", name)
    latin = "".join(_latin_lookalike(char) for char in folded)
    # ß before case folding, which would turn it into "ss".
    lowered = unicodedata.normalize("NFKC", latin).replace("ß", "b").casefold()
    return "".join(char for char in lowered.translate(_ASCII_LOOKALIKES) if char.isalnum())


_RESERVED_SKELETONS = tuple(name_skeleton(word) for word in RESERVED_WORDS)


def reserved_word_in(name: str) -> str | None:
    """The reserved word `name` could be read as containing, or None when the name is free."""
    skeleton = name_skeleton(name)
    return next(
        (
            word
            for word, s in zip(RESERVED_WORDS, _RESERVED_SKELETONS, strict=True)
            if s in skeleton
        ),
        None,
    )
