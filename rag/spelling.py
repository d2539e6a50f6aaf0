"""Correct misspelt words in a question without touching real words or names.

A word is changed only when it is neither an English word (pyspellchecker's frequency list, or a whole
word of the embedding model's tokenizer vocabulary, which knows "cyber" and "defence") nor a word of the
corpus, and it is not capitalised (names stay as written so an unknown name stays unknown).
Shortenings spaCy's norm table writes out come first ("pls" → "please"), so the parser reads them as such; then
chat abbreviations ("yr" → "year", "abt" → "about"): noslang.com's list as ekphrasis ships it, each
entry kept only where its expansion is English words with at most one content word ("tldr" → "too long, didn't
read" would add topics). Then corrections prefer corpus words: pyspellchecker over the corpus vocabulary (one
edit, two for long words, transpositions included), then a word the corpus spells out in full ("econ" →
"economic"), then pyspellchecker's English list; among equally close words, one keeping the first letter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cached_property

from rag.text import ORDINALS, is_stop_word, stem, words

MIN_LENGTH = 3
# The English wh-words (a closed class), spelled as chat spells them without the apostrophe: a question's typo one
# edit from one of them is that word ("wats" → "whats", not the corpus's "was", which would make a yes/no question)
WH_WORDS = ("what", "whats", "when", "whens", "where", "wheres", "which", "who", "whos", "whom", "whose", "why", "how")
LONG_WORD = 8  # from this length two edits may separate a typo from its corpus word
WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")
DIGIT_ORDINAL = re.compile(r"\b(10|[1-9])(?:st|nd|rd|th)\b", re.IGNORECASE)
# A letter standing alone is chat shorthand ("r" for "are", "u" for "you"), except English's one-letter words and a
# letter inside "y/n" or "e.g."; word lists know every letter, so these are read before the lists are asked.
LONE_LETTER = re.compile(r"(?<![\w'’/.-])([b-hj-np-z])(?![\w'’/.-])")


class SpellingCorrector:
    def __init__(self, corpus_words: Iterable[str], known_words: Iterable[str] = ()) -> None:
        self.corpus = Counter(word.lower() for word in corpus_words if word.isalpha())
        self.known_words = frozenset(known_words)

    # The word lists load on the first word the corpus and the model vocabulary do not know: most
    # questions never need them, and loading them is a tenth of a cold `rag ask`.
    @cached_property
    def english(self):
        from spellchecker import SpellChecker

        return SpellChecker(language="en", distance=1)

    @cached_property
    def in_corpus(self):
        from spellchecker import SpellChecker

        checker = SpellChecker(language=None, distance=1)
        checker.word_frequency.load_words(list(self.corpus.elements()))
        return checker

    @cached_property
    def wh_words(self):
        from spellchecker import SpellChecker

        checker = SpellChecker(language=None, distance=1)
        checker.word_frequency.load_words(list(WH_WORDS))
        return checker

    @cached_property
    def slang(self) -> dict[str, str]:
        normalised = self.normalised  # spaCy's own norm table reads some already ("pls" is "please")
        kept = {}
        for short, long in _noslang().items():
            written = [w for w in words(long.lower()) if w.isalpha()]
            if (
                short.isalpha() and short.islower() and normalised[short].norm_ == short and written
                and all(self.english.known([w]) for w in written) and sum(not is_stop_word(w) for w in written) <= 1
            ):  # fmt: skip
                kept[short] = long.lower()
        return kept

    @cached_property
    def corpus_stems(self) -> frozenset[str]:
        return frozenset(stem(w) for w in self.corpus)

    def is_known(self, word: str) -> bool:
        """A word of the corpus or of English, or another form of a corpus word ("roadmaps" for "Roadmap")."""
        return (
            word in self.corpus or word in self.known_words or stem(word) in self.corpus_stems
            or bool(self.english.known([word]))
        )  # fmt: skip

    @cached_property
    def normalised(self):
        from rag.nlp import english

        return english().vocab

    def correct_word(self, word: str) -> str:
        if self.is_known(word):
            return word
        # spaCy's norm table: "pls" is "please", which the parser then reads as such; a shortening only, as the
        # table also writes British spellings the American way ("organisation")
        norm = self.normalised[word].norm_
        if norm.isalpha() and len(norm) > len(word) + 1:
            return norm
        # a letter left out is the commonest chat typo: "whn" is "when" before "who", "hw" "how" before "homework"
        dropped = [w for w in WH_WORDS if len(w) == len(word) + 1 and _subsequence(word, w)]
        if dropped:
            return dropped[0]
        if word in self.slang:
            return self.slang[word]
        if len(word) < MIN_LENGTH:
            return word
        wh_word = self.wh_words.correction(word)
        if wh_word and wh_word != word:
            return wh_word
        for cut in range(MIN_LENGTH, len(word) - MIN_LENGTH + 1):  # "cybersecurity" → "cyber security"
            head, tail = word[:cut], word[cut:]
            if self.is_known(head) and self.is_known(tail) and (head in self.corpus or tail in self.corpus):
                return f"{head} {tail}"
        if len(word) >= 4:
            self.in_corpus.distance = 2 if len(word) >= LONG_WORD else 1
            close = _likeliest(self.in_corpus, word)
            if close and close != word:
                return close
        if len(word) >= 4:  # an abbreviation of a corpus word ("econ" → "economic")
            longer = [w for w in self.corpus if w.startswith(word) and len(w) > len(word)]
            if longer:
                return max(longer, key=lambda w: (self.corpus[w], -len(w)))
            contracted = [w for w in self.corpus if len(w) > len(word) and _contraction_of(word, w)]
            if contracted:  # letters dropped from inside a corpus word ("agrmt" → "agreement", "missn" → "mission")
                return max(contracted, key=lambda w: (self.corpus[w], -len(w)))
        if len(word) < 5:  # one edit away from a short word is too many words ("btw" → "bow")
            return word
        return _likeliest(self.english, word) or word

    def correct(self, text: str) -> str:
        """Also writes ordinals as the documents do ("1st ever mission" → "first ever mission"), so a figure "1st"
        is not taken for a number the paragraph lacks."""
        text = DIGIT_ORDINAL.sub(lambda match: ORDINALS[int(match.group(1)) - 1], text)
        text = LONE_LETTER.sub(lambda match: self.slang.get(match.group(1), match.group(1)), text)
        return WORD.sub(lambda match: self.correct_word(match.group(0)), text)


def _likeliest(checker, word: str) -> str | None:
    """Of the closest candidates, the commonest that keeps the word's first letter, which typists rarely get wrong
    ("adressed" is "addressed", not the commoner "dressed"); else the commonest."""
    candidates = checker.candidates(word)
    if not candidates:
        return None
    return max(sorted(candidates), key=lambda c: (c[0] == word[0], checker.word_usage_frequency(c)))


def _noslang() -> dict[str, str]:
    """ekphrasis's noslang.com table, read from its module's source: importing the module writes a pickle into the
    working directory."""
    import ast
    from importlib.resources import files

    source = files("ekphrasis.dicts.noslang").joinpath("slangdict.py").read_text(encoding="utf-8")
    table = next(
        node.value for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
    )  # fmt: skip
    return ast.literal_eval(table)


def _contraction_of(short: str, word: str) -> bool:
    """A contraction keeps a word's first and last letters and some of those between, in order."""
    if short[0] != word[0] or short[-1] != word[-1]:
        return False
    letters = iter(word[1:-1])
    return all(letter in letters for letter in short[1:-1])


def _subsequence(short: str, word: str) -> bool:
    letters = iter(word)
    return all(letter in letters for letter in short)
