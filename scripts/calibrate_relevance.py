"""Fit the relevance constants on the dev split: a grid over threshold and word similarity, scored by the
strict score (ties go to higher abstention recall). Never run on the test split.

    .venv/bin/python scripts/calibrate_relevance.py
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RAG_LLM_BACKEND", "none")

from eval.gold import load_gold, split_path
from eval.metrics import summarise
from eval.run import score_system
from eval.systems import run_chain
from rag.cli import _chain
from rag.relevance import RelevanceParameters
from rag.settings import Settings

THRESHOLDS = [0.7, 0.8, 0.9, 1.0, 1.1]
SENTENCE_WEIGHTS = [0.5, 0.75, 1.0]
WORD_SIMILARITIES = [0.7, 0.75, 0.8]
UNSEEN_WEIGHTS = [0.5]


def main() -> None:
    chain = _chain(Settings())
    questions = load_gold(split_path("dev"))
    rows = []
    grid = itertools.product(THRESHOLDS, SENTENCE_WEIGHTS, WORD_SIMILARITIES, UNSEEN_WEIGHTS)
    for threshold, sentence_weight, word_similarity, unseen in grid:
        chain.judge.parameters = RelevanceParameters(
            threshold=threshold, sentence_weight=sentence_weight, word_similarity=word_similarity, unseen_weight=unseen
        )
        summary = summarise(score_system(questions, lambda q: run_chain(chain, q, "extractive")))
        rows.append(
            (summary["strict_score"], summary["abstention_recall"], threshold, sentence_weight, word_similarity, unseen)
        )
        print(
            f"threshold {threshold:.2f} sentence_weight {sentence_weight:.2f} word_similarity {word_similarity:.2f} "
            f"unseen {unseen:.2f}: "
            f"strict {summary['strict_score']:.3f} "
            f"false refusals {summary['false_refusal_rate']:.3f} abstention {summary['abstention_recall']:.3f}",
            flush=True,
        )
    best = max(rows, key=lambda row: (row[0], row[1]))
    print(f"best: threshold {best[2]} sentence_weight {best[3]} word_similarity {best[4]} unseen_weight {best[5]}")


if __name__ == "__main__":
    main()
