"""Benchmark (not a test): per-stage latency p50/p95 of `rag ask` in both modes on this machine.

    .venv/bin/python scripts/benchmark_answers.py [--rounds 3]

Uses the index built by `rag ingest` (RAG_INDEX_DIR) and the configured LLM backend.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from eval.metrics import percentile
from rag.chain import AnswerChain
from rag.embedding import load_query_encoder
from rag.index_store import ParagraphIndex
from rag.llm import create_llm
from rag.settings import Settings

QUESTIONS = [
    "What does Albania commit to on cyber?",
    "and on hybrid threats?",
    "What is the partnership's budget in euros?",
    "Which countries have a record of full alignment with the CFSP?",
    "When was the first CSDP mission launched?",
    "Does Albania take part in PESCO?",
    "what r the plans for space cooperation w/ albania??",
    "How will the partnership be reviewed?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    chain = AnswerChain(settings, ParagraphIndex.open(settings), load_query_encoder(settings), create_llm(settings))
    chain.warm_up()  # language model, spelling list, word and sentence vectors, first model call
    print("| mode | stage | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    for mode in ("extractive", "generative"):
        stages: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.rounds):
            history: list[tuple[str, str]] = []
            for question in QUESTIONS:
                started = time.perf_counter()
                answer = chain.ask(question, history=history, mode=mode)
                stages["total"].append((time.perf_counter() - started) * 1000)
                for stage, ms in answer.timings.items():
                    stages[stage].append(ms)
                history = [(question, answer.answer)]
        for stage, values in stages.items():
            print(f"| {mode} | {stage} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} |")


if __name__ == "__main__":
    main()
