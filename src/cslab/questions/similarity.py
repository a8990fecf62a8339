"""Similar questions: word overlap and character trigrams on normalised text.

Pure: no ORM. The selector fetches a cheap, prefiltered set of candidates (`search_terms`),
and `rank_similar` scores them. Portable by design (the same on SQLite and PostgreSQL) and
good enough to catch "is the air in Leiden-Noord bad for children?" asked twice.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Words that say nothing about a question's topic (English and Dutch, the Lab's languages).
_STOP_WORDS_TEXT = """
    a an and are as at be been but by can could did do does for from had has have how if in
    into is it its more most much of on or our should than that the their there these they this
    those to was we were what when where which who whom why will with would you your about any
    many some other such very just also not no yes
    de het een en van in is op te dat die voor met zijn er aan als bij door dan om uit ook
    wat wie waar wanneer hoe waarom welke kan kunnen zou worden wordt meer niet geen nog naar
    over onze hun hoeveel
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
MIN_WORD_LENGTH = 3
WORD_WEIGHT = 0.6
TRIGRAM_WEIGHT = 0.4
DEFAULT_THRESHOLD = 0.25


@dataclass(frozen=True)
class Candidate:
    id: int
    text: str


@dataclass(frozen=True)
class Match:
    id: int
    score: float


def normalise(text: str) -> str:
    """Return lower-case text without accents, with runs of non-letters as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.findall(r"[^\W_]+", plain))


def stem(word: str) -> str:
    """Strip the commonest plural and verb endings, so "bees" meets "bee"."""
    for suffix in ("ing", "ies", "es", "s", "en"):
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_WORD_LENGTH:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def keywords(text: str) -> set[str]:
    """Return the stemmed words of `text` that carry meaning."""
    return {
        stem(word)
        for word in normalise(text).split()
        if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS
    }


def trigrams(text: str) -> set[str]:
    """Return the character trigrams of the keywords, each padded like PostgreSQL's pg_trgm."""
    grams: set[str] = set()
    for word in keywords(text):
        padded = f"  {word} "
        grams.update(padded[index : index + 3] for index in range(len(padded) - 2))
    return grams


def jaccard(first: set[str], second: set[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def similarity(first: str, second: str) -> float:
    """Return how alike two questions read, from 0 (nothing shared) to 1 (the same words)."""
    return WORD_WEIGHT * jaccard(keywords(first), keywords(second)) + TRIGRAM_WEIGHT * jaccard(
        trigrams(first), trigrams(second)
    )


def rank_similar(
    text: str,
    candidates: Iterable[Candidate],
    *,
    limit: int = 5,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Match]:
    """Return up to `limit` candidates at least `threshold` alike, most alike first."""
    words, grams = keywords(text), trigrams(text)
    if not words:
        return []
    matches = []
    for candidate in candidates:
        score = WORD_WEIGHT * jaccard(words, keywords(candidate.text)) + TRIGRAM_WEIGHT * jaccard(
            grams, trigrams(candidate.text)
        )
        if score >= threshold:
            matches.append(Match(candidate.id, round(score, 3)))
    matches.sort(key=lambda match: (-match.score, match.id))
    return matches[:limit]


def search_terms(text: str, *, limit: int = 6) -> list[str]:
    """Return short, distinctive word beginnings to prefilter candidates with `icontains`.

    Longer words are more distinctive; their first five letters also find other forms of the
    word ("pollution" finds "polluted").
    """
    words = sorted(
        {
            word
            for word in normalise(text).split()
            if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS
        },
        key=lambda word: (-len(word), word),
    )
    terms: list[str] = []
    for word in words:
        term = word[:5]
        if term not in terms:
            terms.append(term)
        if len(terms) == limit:
            break
    return terms
