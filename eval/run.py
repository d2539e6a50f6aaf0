"""Run the gold set through the chain (each mode) and the LlamaIndex baseline, then report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from eval.gold import GoldQuestion, load_gold
from eval.metrics import QuestionScore, SystemOutput, score_question
from eval.report import write_report
from eval.systems import BASELINE_NAME, LlamaIndexBaseline, run_chain
from rag.chain import AnswerChain


def score_system(
    questions: list[GoldQuestion],
    run: Callable[[GoldQuestion], SystemOutput],
    texts: dict[str, str],
    progress: Callable[[str], None] = lambda _: None,
) -> list[QuestionScore]:
    scores = []
    for number, question in enumerate(questions, start=1):
        scores.append(score_question(question, run(question), texts))
        if number % 10 == 0:
            progress(f"  {number}/{len(questions)}")
    return scores


def evaluate(
    chain: AnswerChain, modes: list[str], out: Path, baseline: bool = True, gold: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, dict]:  # fmt: skip
    questions = load_gold(gold) if gold else load_gold()
    records = chain.index.records()
    texts = {r.key: r.text for r in records}
    results: dict[str, list[QuestionScore]] = {}
    for mode in modes:
        progress(f"chain, {mode} mode: {len(questions)} questions")
        results[mode] = score_system(questions, lambda q, mode=mode: run_chain(chain, q, mode), texts, progress)
    if baseline and chain.llm is not None:
        progress(f"{BASELINE_NAME}: {len(questions)} questions")
        pipeline = LlamaIndexBaseline(chain.settings, chain.embed, chain.llm, records)
        results[BASELINE_NAME] = score_system(questions, pipeline.run, texts, progress)
    return write_report(results, out)
