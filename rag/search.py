"""Hybrid paragraph search: dense (Chroma) and BM25 rankings fused by reciprocal rank.

Fusion is a few lines here rather than llama-index's QueryFusionRetriever because callers need each
paragraph's dense and keyword scores separately (abstention and the UI show them), which the fused
retriever discards.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.embedding import Encoder
from rag.index_store import ParagraphIndex
from rag.records import ParagraphRecord

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of top ranks
CANDIDATES_PER_RETRIEVER = 20


@dataclass
class SearchHit:
    record: ParagraphRecord
    score: float
    dense_score: float | None
    keyword_score: float | None

    def as_dict(self) -> dict:
        return {
            "score": round(self.score, 6),
            "dense_score": None if self.dense_score is None else round(self.dense_score, 4),
            "keyword_score": None if self.keyword_score is None else round(self.keyword_score, 4),
            **self.record.model_dump(),
        }


def search(
    index: ParagraphIndex, encoder: Encoder, query: str, k: int, doc_id: str | None = None, keep_each: int = 0
) -> list[SearchHit]:
    """The k best by fused rank, then each retriever's own `keep_each` best that fusion left out: a paragraph
    only one retriever finds (a rare word BM25 matches, a paraphrase only the vectors see) is still judged."""
    depth = max(k, CANDIDATES_PER_RETRIEVER)
    dense = index.dense(query, encoder, depth, doc_id)
    keyword = index.keyword(query, depth, doc_id)
    hits: dict[str, SearchHit] = {}
    for ranking, attribute in ((dense, "dense_score"), (keyword, "keyword_score")):
        for rank, scored in enumerate(ranking, start=1):
            hit = hits.setdefault(scored.record.key, SearchHit(scored.record, 0.0, None, None))
            hit.score += 1.0 / (RRF_K + rank)
            setattr(hit, attribute, scored.score)
    fused = sorted(hits.values(), key=lambda hit: hit.score, reverse=True)[:k]
    kept = {hit.record.key for hit in fused}
    for ranking in (keyword, dense):
        for scored in ranking[:keep_each]:
            if scored.record.key not in kept:
                kept.add(scored.record.key)
                fused.append(hits[scored.record.key])
    return fused
