"""Score, in both answer modes, the gold questions that extractive mode refuses: what the LLM's
confirmation adds, without running generative mode on every question (about 6 s each on 2 cores).

    RAG_LLM_CONFIRMS=true .venv/bin/python scripts/score_refused.py [--split dev]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.gold import load_gold, split_path
from eval.metrics import summarise
from eval.run import score_system
from eval.systems import run_chain
from rag.cli import _chain
from rag.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    split = parser.parse_args().split
    chain = _chain(Settings())
    questions = load_gold(split_path(split))
    extractive = {q.id: run_chain(chain, q, "extractive") for q in questions}
    refused = [q for q in questions if extractive[q.id].status != "answered"]
    print(f"{len(refused)} of {len(questions)} {split} questions refused in extractive mode")
    for mode in ("extractive", "generative"):
        summary = summarise(score_system(refused, lambda q, mode=mode: run_chain(chain, q, mode)))
        print(f"{mode}: strict {summary['strict_score']:.3f}, abstention recall {summary['abstention_recall']:.3f}")


if __name__ == "__main__":
    main()
