"""Correct misspelt words in a question without touching real words or names.

A word is changed only when it is neither an English word (pyspellchecker's frequency list) nor a word
of the corpus, and it is not capitalised (names stay as written so an unknown name stays unknown).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable

CORPUS_CUTOFF = 0.8  # difflib similarity to accept a corpus word ("accesion" → "accession")
MIN_LENGTH = 3
WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")


class SpellingCorrector:
    def __init__(self, corpus_words: Iterable[str]) -> None:
        from spellchecker import SpellChecker

        self.corpus = Counter(word.lower() for word in corpus_words if word.isalpha())
        self.english = SpellChecker(language="en", distance=1)

    def is_known(self, word: str) -> bool:
        return word in self.corpus or bool(self.english.known([word]))

    def correct_word(self, word: str) -> str:
        if len(word) < MIN_LENGTH or self.is_known(word):
            return word
        for cut in range(MIN_LENGTH, len(word) - MIN_LENGTH + 1):  # "cybersecurity" → "cyber security"
            head, tail = word[:cut], word[cut:]
            if self.is_known(head) and self.is_known(tail) and (head in self.corpus or tail in self.corpus):
                return f"{head} {tail}"
        close = difflib.get_close_matches(word, self.corpus, n=1, cutoff=CORPUS_CUTOFF)
        if close:
            return close[0]
        if len(word) >= 4:  # an abbreviation of a corpus word ("econ" → "economic")
            longer = [w for w in self.corpus if w.startswith(word) and len(w) > len(word)]
            if longer:
                return max(longer, key=lambda w: (self.corpus[w], -len(w)))
        if len(word) < 5:  # one edit away from a short word is too many words ("btw" → "bow")
            return word
        return self.english.correction(word) or word

    def correct(self, text: str) -> str:
        return WORD.sub(lambda match: self.correct_word(match.group(0)), text)
