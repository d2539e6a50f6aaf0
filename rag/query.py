"""Make a user's question searchable: chat shorthand expanded, follow-ups given their context."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from rag.text import QUESTION_FRAMING, proper_names

CHAT_SHORTHAND = {
    "r": "are", "u": "you", "w/": "with", "w/o": "without", "abt": "about", "bc": "because", "govt": "government",
    "gov": "government", "intl": "international", "mil": "military", "def": "defence", "sec": "security",
    "coop": "cooperation", "co-op": "cooperation", "wrt": "with regard to", "re": "regarding", "pls": "please",
    "plz": "please", "thx": "thanks", "eu's": "EU's", "wat": "what", "wht": "what", "whats": "what is",
    "defense": "defence", "whos": "who is", "n": "and", "abt.": "about",
}  # fmt: skip
SPELLING_CUTOFF = 0.85
FOLLOW_UP_OPENERS = re.compile(r"^\s*(and|also|what about|how about|and what about|same for|what of)\b", re.IGNORECASE)


@dataclass
class Query:
    text: str  # what is searched and checked
    carried_names: list[str] = field(default_factory=list)


def normalise(question: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """Expand chat shorthand; with the corpus vocabulary, also fix misspelt lower-case words."""
    tokens = re.findall(r"\S+", question)
    expanded = [CHAT_SHORTHAND.get(token.lower().strip("?!.,"), token) for token in tokens]
    text = re.sub(r"([?!.])\1+", r"\1", " ".join(expanded)).strip()
    return correct_spelling(text, vocabulary) if vocabulary else text


def correct_spelling(text: str, vocabulary: frozenset[str]) -> str:
    """Replace a lower-case word the corpus never uses by its closest corpus word ("trainng" → "training").

    Names (capitalised words) are never changed: an unknown name must stay unknown so that the
    answerability check can refuse it.
    """

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) < 5 or not word.islower() or word in vocabulary:
            return word
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=SPELLING_CUTOFF)
        return close[0] if close else word

    return re.sub(r"[A-Za-z]+", fix, text)


def build_query(
    question: str, history: list[tuple[str, str]] | None = None, vocabulary: frozenset[str] = frozenset()
) -> Query:
    """A follow-up ("and on hybrid threats?") inherits the names of the previous question (Albania)."""
    text = normalise(question, vocabulary)
    previous = [q for q, _ in (history or []) if q.strip()]
    if not previous:
        return Query(text)
    own = {name.lower() for name in _names(text)}
    is_follow_up = bool(FOLLOW_UP_OPENERS.match(text)) or (not own and len(text.split()) <= 6)
    if not is_follow_up:
        return Query(text)
    earlier = normalise(previous[-1], vocabulary)
    carried = [name for name in _names(earlier) if name.lower() not in own]
    if not carried:
        return Query(text)
    return Query(f"{text} ({', '.join(carried)})", carried)


def _names(text: str) -> list[str]:
    """Names a question is about, including lower-case ones written as the first word."""
    return sorted(n for n in proper_names(f"Q {text}") if n.lower() not in QUESTION_FRAMING)
