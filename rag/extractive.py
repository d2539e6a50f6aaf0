"""Pick the few sentences of the evidence paragraphs that answer the question, verbatim."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.records import ParagraphRecord
from rag.answerability import QuestionNeeds, TermWeights
from rag.text import Sentence, all_stems, name_matches, sentences, words

MAX_ANSWER_WORDS = 120
MAX_SENTENCES = 3
SEMANTIC_WEIGHT = 0.5


@dataclass(frozen=True)
class Extract:
    record: ParagraphRecord
    sentence: Sentence
    score: float


def _overlap(needs: QuestionNeeds, stems: set[str], weights: TermWeights) -> float:
    """Share of the question's names and (IDF-weighted) words that the sentence contains."""
    names = sum(name_matches(n, stems) for n in needs.names) / len(needs.names) if needs.names else None
    terms = weights.share(needs.terms, stems) if needs.terms else None
    parts = [part for part in (names, terms) if part is not None]
    return sum(parts) / len(parts) if parts else 0.0


def _answers_on_its_own(needs: QuestionNeeds, stems: set[str], weights: TermWeights) -> bool:
    """The paragraph-level rule (more than half the IDF-weighted words) applied to one sentence."""
    if not needs.terms:
        return any(name_matches(n, stems) for n in needs.names)
    return weights.covers_most(needs.terms, stems)


def select_sentences(
    question: str, needs: QuestionNeeds, evidence: list[ParagraphRecord], embed: BaseEmbedding, weights: TermWeights
) -> list[Extract]:
    """Score each sentence by the question words it contains plus its similarity to the question."""
    every = [(r, s, all_stems(s.text)) for r in evidence for s in sentences(r.text)]
    pool = [item for item in every if _answers_on_its_own(needs, item[2], weights)]
    # When the question's words are spread over a paragraph's sentences, take any that share some.
    pool = pool or [item for item in every if _overlap(needs, item[2], weights) > 0]
    if not pool:
        return []
    vectors = np.array(embed.get_text_embedding_batch([sentence.text for _, sentence, _ in pool]))
    query_vector = np.array(embed.get_query_embedding(question))
    similarity = vectors @ query_vector / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query_vector))
    scored = [
        Extract(record, sentence, _overlap(needs, stems, weights) + SEMANTIC_WEIGHT * float(sim))
        for (record, sentence, stems), sim in zip(pool, similarity, strict=True)
    ]
    scored.sort(key=lambda extract: extract.score, reverse=True)
    chosen: list[Extract] = []
    budget = MAX_ANSWER_WORDS
    for extract in scored:
        length = len(words(extract.sentence.text))
        if len(chosen) == MAX_SENTENCES or (chosen and length > budget):
            continue
        if chosen and extract.score < chosen[0].score * 0.6:
            break  # much weaker than the best sentence: leave it out rather than pad the answer
        chosen.append(extract)
        budget -= length
    # Read in document order, documents in order of relevance, as a briefing would quote them.
    document_rank = {record.doc_id: rank for rank, record in reversed(list(enumerate(evidence)))}
    return sorted(chosen, key=lambda e: (document_rank[e.record.doc_id], e.record.char_start, e.sentence.start))
