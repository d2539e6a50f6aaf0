"""Score answers against the gold set with one strict number, plus retrieval, citation and abstention rates.

Strict score per question: answerable → +1 when answered with every expected fact (and the expected
Yes/No) and at least one gold paragraph cited, 0 when refused (not found or partial), −1 for any other
answer; unanswerable → +1 when refused, −1 when answered. Citations are judged against the gold
paragraphs only, never by the chain's own support checker.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel

from eval.gold import GoldQuestion

REFUSED = ("not_found", "partial")


class CitedSentence(BaseModel):
    text: str
    cited_keys: list[str]


class SystemOutput(BaseModel):
    """What any system under test produced for one question, at paragraph level."""

    status: str
    answer: str
    sentences: list[CitedSentence]
    retrieved: list[list[str]]  # ranked; a chunk retriever ranks groups of paragraphs
    timings: dict[str, float]


class QuestionScore(BaseModel):
    id: str
    kind: str
    question: str
    history: list[str]
    answerable: bool
    status: str
    answer: str
    gold: list[str]
    cited: list[str]
    first_gold_rank: int | None
    recall_at: dict[int, float]
    wrong_citations: list[str]
    facts_ok: bool | None
    yes_no_ok: bool | None
    strict: int
    timings: dict[str, float]


def _opens_with(answer: str, word: str) -> bool:
    return answer.strip().lower().startswith(word)


def score_question(question: GoldQuestion, output: SystemOutput) -> QuestionScore:
    gold = set(question.gold_keys)
    rank_of: dict[str, int] = {}
    for rank, group in enumerate(output.retrieved, start=1):
        for key in group:
            rank_of.setdefault(key, rank)
    recall_at = {k: (sum(rank_of.get(g, 10**6) <= k for g in gold) / len(gold)) if gold else 0.0 for k in (1, 3, 5)}
    gold_ranks = [rank_of[g] for g in gold if g in rank_of]
    cited = list(dict.fromkeys(key for s in output.sentences for key in s.cited_keys))
    answered = output.status == "answered"
    lowered = output.answer.lower()
    facts_ok = yes_no_ok = None
    if question.answerable:
        facts_ok = answered and all(any(f.lower() in lowered for f in group) for group in question.expected_facts)
    if question.expected_yes_no:
        yes_no_ok = answered and _opens_with(output.answer, question.expected_yes_no)
    if not question.answerable:
        strict = -1 if answered else 1
    elif output.status in REFUSED:
        strict = 0
    else:
        strict = 1 if facts_ok and yes_no_ok is not False and gold & set(cited) else -1
    return QuestionScore(
        id=question.id, kind=question.kind, question=question.question, history=question.history,
        answerable=question.answerable, status=output.status, answer=output.answer, gold=sorted(gold),
        cited=cited, first_gold_rank=min(gold_ranks) if gold_ranks else None, recall_at=recall_at,
        wrong_citations=[key for key in cited if key not in gold], facts_ok=facts_ok, yes_no_ok=yes_no_ok,
        strict=strict, timings=output.timings,
    )  # fmt: skip


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; the benchmarks use it too, so figures compare."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summarise(scores: Iterable[QuestionScore]) -> dict[str, float | None]:
    scores = list(scores)
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    refused = [s for s in scores if s.status in REFUSED]
    cited = sum(len(s.cited) for s in scores)
    summary: dict[str, float | None] = {"questions": len(scores)}
    summary["strict_score"] = _ratio(sum(s.strict for s in scores), len(scores))
    summary["false_refusal_rate"] = _ratio(sum(s.status in REFUSED for s in answerable), len(answerable))
    summary["abstention_recall"] = _ratio(sum(s.status in REFUSED for s in unanswerable), len(unanswerable))
    summary["abstention_precision"] = _ratio(sum(not s.answerable for s in refused), len(refused))
    summary["citation_precision"] = _ratio(sum(len(s.cited) - len(s.wrong_citations) for s in scores), cited)
    summary["citation_recall"] = _ratio(
        sum(len(set(s.cited) & set(s.gold)) / len(s.gold) for s in answerable), len(answerable)
    )
    summary["fact_accuracy"] = _ratio(sum(bool(s.facts_ok) for s in answerable), len(answerable))
    summary["wrong_answer_rate"] = _ratio(sum(s.strict < 0 for s in scores), len(scores))
    for k in (1, 3, 5):
        summary[f"recall@{k}"] = _ratio(sum(s.recall_at[k] for s in answerable), len(answerable))
    summary["mrr"] = _ratio(sum(1 / s.first_gold_rank for s in answerable if s.first_gold_rank), len(answerable))
    stages: dict[str, list[float]] = defaultdict(list)
    for s in scores:
        for stage, ms in s.timings.items():
            stages[stage].append(ms)
    for stage, values in sorted(stages.items()):
        summary[f"{stage}_p50_ms"] = round(percentile(values, 0.5), 1)
        summary[f"{stage}_p95_ms"] = round(percentile(values, 0.95), 1)
    return summary
