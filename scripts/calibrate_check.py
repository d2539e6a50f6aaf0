"""Fit the draft checker's support threshold on the dev split of the check gold (never on test).

.venv/bin/python scripts/calibrate_check.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RAG_LLM_BACKEND", "none")

import rag.check as check
from eval.check_eval import load_check_gold, score_checks, summarise_checks
from rag.cli import _chain
from rag.settings import Settings

THRESHOLDS = [0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]


def main() -> None:
    chain = _chain(Settings())
    gold = load_check_gold("dev")
    for threshold in THRESHOLDS:
        check.SUPPORT_THRESHOLD = threshold
        summary = summarise_checks(score_checks(chain, gold))
        print(
            f"threshold {threshold:.1f}: accuracy {summary['verdict_accuracy']} altered called supported "
            f"{summary['altered_called_supported']} right paragraph {summary['right_paragraph_suggested']}"
        )


if __name__ == "__main__":
    main()
