"""Reading ease: how easy an English text is to read, as a Flesch score and band.

The Flesch reading ease score was made for English and is only given for English texts:

    206.835 - 1.015 x (words / sentences) - 84.6 x (syllables / words)

shown clamped to 0-100 with Flesch's own bands (90+ very easy ... below 30 very hard).
Sentences end at ".", "!", "?" or a line break; a text without an ending is one sentence.
Words are runs of letters (with inner apostrophes); "${name}" references count as one short
word. Syllables are counted with a common heuristic, good enough for a band but not exact:

1. a word of three letters or fewer has one syllable;
2. a silent ending is dropped: "-es" and "-e" after a consonant other than "l" ("makes",
   "make", but not "table"), and "-ed" unless it follows "t" or "d" ("helped", not "wanted");
3. a leading "y" is a consonant;
4. each run of vowels (a, e, i, o, u, y) is one syllable, and every word has at least one.
"""

from __future__ import annotations

import enum
import re

from flask_babel import lazy_gettext as _l


class Band(enum.Enum):
    """Flesch's reading ease bands, from easiest to hardest, with their lowest score."""

    VERY_EASY = (90, _l("Very easy"))
    EASY = (80, _l("Easy"))
    FAIRLY_EASY = (70, _l("Fairly easy"))
    PLAIN = (60, _l("Plain"))
    FAIRLY_HARD = (50, _l("Fairly hard"))
    HARD = (30, _l("Hard"))
    VERY_HARD = (0, _l("Very hard"))

    @property
    def lowest(self) -> int:
        """Return the lowest score in the band."""
        return self.value[0]

    @property
    def label(self) -> str:
        """Return the band's name for people."""
        return str(self.value[1])

    @property
    def is_hard(self) -> bool:
        """Tell whether the band is "Fairly hard" or harder."""
        return self.lowest <= Band.FAIRLY_HARD.lowest


def band_of(score: float) -> Band:
    """Return the band a reading ease score falls in."""
    return next((band for band in Band if score >= band.lowest), Band.VERY_HARD)


_REFERENCE = re.compile(r"\$\{[^}]*\}")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
_SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|[^laeiouydt]ed|[^laeiouy]e)$")
_VOWELS = re.compile(r"[aeiouy]+")


def is_english(language: str) -> bool:
    """Tell whether a language code is English (en, en-GB, ...)."""
    return language.split("-")[0].casefold() == "en"


def count_syllables(word: str) -> int:
    """Estimate a word's syllables with the heuristic described at the top of this module."""
    word = re.sub(r"[^a-z]", "", word.lower())
    if len(word) <= 3:
        return 1
    word = _SILENT_ENDING.sub("", word)
    word = word.removeprefix("y")
    return max(1, len(_VOWELS.findall(word)))


def reading_ease(text: str) -> float | None:
    """Return the Flesch reading ease of English text, or None when it has no words."""
    text = _REFERENCE.sub(" it ", text)
    sentences = [part for part in _SENTENCE_END.split(text) if _WORD.search(part)]
    words = _WORD.findall(text)
    if not words:
        return None
    syllables = sum(count_syllables(word) for word in words)
    return 206.835 - 1.015 * (len(words) / len(sentences)) - 84.6 * (syllables / len(words))


def shown_score(score: float) -> int:
    """Return a score as people see it: rounded, and kept within 0 to 100."""
    return max(0, min(100, round(score)))
