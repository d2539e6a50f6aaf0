"""Run the gold splits through the chain (each mode) and the LlamaIndex baseline, then report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from eval.check_eval import load_check_gold, score_checks, write_check_report
from eval.gold import GoldQuestion, load_gold, split_path
from eval.metrics import QuestionScore, SystemOutput, score_question
from eval.report import write_report
from eval.systems import BASELINE_NAME, LlamaIndexBaseline, run_chain
from rag.chain import AnswerChain
from rag.settings import Settings

Results = dict[str, dict[str, list[QuestionScore]]]  # system → split → scores


def score_system(
    questions: list[GoldQuestion],
    run: Callable[[GoldQuestion], SystemOutput],
    progress: Callable[[str], None] = lambda _: None,
) -> list[QuestionScore]:
    scores = []
    for number, question in enumerate(questions, start=1):
        scores.append(score_question(question, run(question)))
        if number % 20 == 0:
            progress(f"  {number}/{len(questions)}")
    return scores


def evaluate(
    chain: AnswerChain, settings: Settings, modes: list[str], splits: list[str], out: Path, baseline: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, dict[str, dict]]:  # fmt: skip
    gold = {split: load_gold(split_path(split)) for split in splits}
    results: Results = {}
    for mode in modes:
        for split, questions in gold.items():
            progress(f"chain, {mode} mode, {split}: {len(questions)} questions")
            run = lambda q, mode=mode: run_chain(chain, q, mode)  # noqa: E731
            results.setdefault(mode, {})[split] = score_system(questions, run, progress)
    llm = chain.language_model()
    if baseline and llm is not None:
        pipeline = LlamaIndexBaseline(settings, llm, chain.records())
        for split, questions in gold.items():
            progress(f"{BASELINE_NAME}, {split}: {len(questions)} questions")
            results.setdefault(BASELINE_NAME, {})[split] = score_system(questions, pipeline.run, progress)
    overall = write_report(results, out)
    progress("draft check gold: " + ", ".join(splits))
    checks = write_check_report({split: score_checks(chain, load_check_gold(split)) for split in splits}, out)
    return {**overall, "draft check": checks}
