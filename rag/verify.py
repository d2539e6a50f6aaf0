"""Check that an answer sentence is supported by the paragraph it cites.

Hand-written because the checks are specific to quoting policy texts and no installable offline
entailment model fits on this machine's budget. A sentence is supported by a paragraph when:
1. every number and every proper name or acronym in it occurs in the paragraph (an invented figure
   or partner fails here);
2. one sentence of the paragraph holds all its numbers and at least SUPPORT_THRESHOLD of its content
   words (a lexical-support score), so "March 2024" does not pass on "March 2020 … October 2024";
3. the actor is right: names before the sentence's first "will/shall/is/are…" also come before
   that verb in the supporting sentence, so "Albania will support the EU" does not pass on a
   paragraph saying "the EU will support Albania".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import Sentence, all_stems, content_stems, name_matches, numbers, proper_names, sentences, words

SUPPORT_THRESHOLD = 0.75
VERB_OF_COMMITMENT = re.compile(
    r"\b(will|shall|would|should|must|is|are|was|were|has|have|had|seeks?|undertakes?|aims?|commits?)\b"
)


@dataclass(frozen=True)
class Support:
    supported: bool
    score: float
    span: Sentence | None
    reason: str


def actors_of(sentence: str) -> set[str]:
    """Capitalised words before the first verb of each clause ("The EU and Albania will …")."""
    found: set[str] = set()
    for clause in re.split(r"[;,]\s*", sentence):
        match = VERB_OF_COMMITMENT.search(clause)
        head = clause[: match.start()] if match else ""
        found |= {w for w in words(head) if w[:1].isupper() and w.lower() not in {"the", "both", "therefore", "and"}}
    return found


def check_support(sentence: str, paragraph: str) -> Support:
    paragraph_stems = all_stems(paragraph)
    paragraph_numbers = numbers(paragraph)
    for figure in numbers(sentence):
        if figure not in paragraph_numbers:
            return Support(False, 0.0, None, f"figure '{figure}' is not in the paragraph")
    for name in proper_names(sentence):
        if not name_matches(name, paragraph_stems):
            return Support(False, 0.0, None, f"name '{name}' is not in the paragraph")
    claimed = content_stems(sentence)
    if not claimed:
        return Support(False, 0.0, None, "no content words")
    figures = numbers(sentence)
    best, best_score = None, -1.0
    for candidate in sentences(paragraph):
        if not figures <= numbers(candidate.text):
            continue
        score = len(claimed & content_stems(candidate.text)) / len(claimed)
        if score > best_score:
            best, best_score = candidate, score
    if best is None:
        return Support(False, 0.0, None, "its figures are not in one sentence of the paragraph")
    if best_score < SUPPORT_THRESHOLD:
        return Support(False, best_score, best, f"only {best_score:.0%} of its words are in the paragraph")
    actors = actors_of(sentence)
    if best is not None and not actors <= actors_of(best.text):
        return Support(False, best_score, best, f"the paragraph does not say {', '.join(sorted(actors))} does this")
    return Support(True, best_score, best, "supported")
