"""Score answers against the gold set: retrieval, citations, facts, abstention, CRAG, latency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel

from eval.gold import GoldQuestion
from rag.verify import check_support


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
    answerable: bool
    status: str
    answer: str
    gold: list[str]
    cited: list[str]
    first_gold_rank: int | None
    recall_at: dict[int, float]
    correct_citations: int
    wrong_citations: list[str]
    unsupported_sentences: list[str]
    facts_ok: bool | None
    crag: int
    timings: dict[str, float]
    output: SystemOutput


def score_question(question: GoldQuestion, output: SystemOutput, texts: dict[str, str]) -> QuestionScore:
    gold = set(question.gold_keys)
    rank_of: dict[str, int] = {}
    for rank, group in enumerate(output.retrieved, start=1):
        for key in group:
            rank_of.setdefault(key, rank)
    recall_at = {
        k: (len([g for g in gold if rank_of.get(g, 10**6) <= k]) / len(gold)) if gold else 0.0 for k in (1, 3, 5)
    }
    gold_ranks = [rank_of[g] for g in gold if g in rank_of]
    correct, wrong, unsupported, cited = 0, [], [], []
    retrieved = [key for group in output.retrieved for key in group]
    for sentence in output.sentences:
        # An uncited sentence is judged against everything the system retrieved.
        supported_by_any = not sentence.cited_keys and any(
            key in texts and check_support(sentence.text, texts[key]).supported for key in retrieved
        )
        for key in sentence.cited_keys:
            supports = key in texts and check_support(sentence.text, texts[key]).supported
            supported_by_any |= supports
            if key in gold or supports:
                correct += 1
            else:
                wrong.append(key)
            if key not in cited:
                cited.append(key)
        if not supported_by_any:
            unsupported.append(sentence.text)
    answered = output.status == "answered"
    facts_ok = None
    if question.answerable:
        lowered = output.answer.lower()
        facts_ok = answered and all(any(f.lower() in lowered for f in group) for group in question.expected_facts)
    if not question.answerable:
        crag = 1 if not answered else -1
    elif not answered:
        crag = 0
    elif wrong or unsupported:
        crag = -1
    else:
        crag = 1 if facts_ok else 0  # a verbatim but incomplete answer is missing, not wrong
    return QuestionScore(
        id=question.id, kind=question.kind, question=question.question, answerable=question.answerable,
        status=output.status, answer=output.answer, gold=sorted(gold), cited=cited,
        first_gold_rank=min(gold_ranks) if gold_ranks else None, recall_at=recall_at,
        correct_citations=correct, wrong_citations=wrong, unsupported_sentences=unsupported,
        facts_ok=facts_ok, crag=crag, timings=output.timings, output=output,
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
    answered = [s for s in scores if s.status == "answered"]
    refused = [s for s in scores if s.status != "answered"]
    cited = sum(s.correct_citations + len(s.wrong_citations) for s in scores)
    summary: dict[str, float | None] = {"questions": len(scores)}
    for k in (1, 3, 5):
        summary[f"recall@{k}"] = _ratio(sum(s.recall_at[k] for s in answerable), len(answerable))
    summary["mrr"] = _ratio(sum(1 / s.first_gold_rank for s in answerable if s.first_gold_rank), len(answerable))
    summary["citation_precision"] = _ratio(sum(s.correct_citations for s in scores), cited)
    summary["citation_recall"] = _ratio(
        sum(len(set(s.cited) & set(s.gold)) / len(s.gold) for s in answerable), len(answerable)
    )
    summary["unsupported_answer_rate"] = _ratio(sum(bool(s.unsupported_sentences) for s in answered), len(answered))
    summary["fact_accuracy"] = _ratio(sum(bool(s.facts_ok) for s in answerable), len(answerable))
    summary["abstention_precision"] = _ratio(sum(not s.answerable for s in refused), len(refused))
    summary["abstention_recall"] = _ratio(sum(s.status != "answered" for s in unanswerable), len(unanswerable))
    summary["false_refusal_rate"] = _ratio(sum(s.status != "answered" for s in answerable), len(answerable))
    summary["crag"] = _ratio(sum(s.crag for s in scores), len(scores))
    stages: dict[str, list[float]] = defaultdict(list)
    for s in scores:
        for stage, ms in s.timings.items():
            stages[stage].append(ms)
    for stage, values in sorted(stages.items()):
        summary[f"{stage}_p50_ms"] = round(percentile(values, 0.5), 1)
        summary[f"{stage}_p95_ms"] = round(percentile(values, 0.95), 1)
    return summary
