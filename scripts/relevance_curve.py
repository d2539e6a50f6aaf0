"""The relevance decision's trade-off on a gold split: sweep the threshold, report answer precision and recall.

    .venv/bin/python scripts/relevance_curve.py [--split test] [--out eval/reports/latest]

Precision: the share of answered questions whose answer scored +1 (right facts, a gold paragraph cited).
Recall: the share of answerable questions answered that way. The threshold itself is fitted on dev
(`scripts/calibrate_relevance.py`); this script only reports, and writes relevance-curve.png and .md.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RAG_LLM_BACKEND", "none")

from eval.gold import load_gold, split_path
from eval.run import score_system
from eval.systems import run_chain
from rag.cli import _chain
from rag.settings import Settings

THRESHOLDS = [0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--out", type=Path, default=Path("eval/reports/latest"))
    args = parser.parse_args()
    chain = _chain(Settings())
    questions = load_gold(split_path(args.split))
    fitted = chain.judge.parameters
    rows = []
    for threshold in THRESHOLDS:
        chain.judge.parameters = replace(fitted, threshold=threshold)
        scores = score_system(questions, lambda q: run_chain(chain, q, "extractive"))
        answered = [s for s in scores if s.status == "answered"]
        right = [s for s in answered if s.strict == 1]
        answerable = [s for s in scores if s.answerable]
        strict = sum(s.strict for s in scores) / len(scores)
        precision = len(right) / len(answered) if answered else 1.0
        recall = len([s for s in right if s.answerable]) / len(answerable)
        rows.append((threshold, precision, recall, strict))
        print(
            f"threshold {threshold:.2f}: precision {precision:.3f} recall {recall:.3f} strict {strict:.3f}", flush=True
        )
    args.out.mkdir(parents=True, exist_ok=True)
    table = ["| threshold | answer precision | answer recall | strict score |", "|---|---|---|---|"]
    table += [
        f"| {t:.2f}{' (fitted on dev)' if t == fitted.threshold else ''} | {p:.3f} | {r:.3f} | {s:.3f} |"
        for t, p, r, s in rows
    ]
    (args.out / "relevance-curve.md").write_text(
        f"# Relevance threshold on the {args.split} split (extractive)\n\n" + "\n".join(table) + "\n", encoding="utf-8"
    )
    _plot(rows, fitted.threshold, args.split, args.out / "relevance-curve.png")


def _plot(rows: list[tuple[float, float, float, float]], fitted: float, split: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5.5, 4.5))
    axes.plot([r for _, _, r, _ in rows], [p for _, p, _, _ in rows], marker="o")
    for threshold, precision, recall, _ in rows:
        label = f"{threshold:.1f}" + (" (fitted)" if threshold == fitted else "")
        axes.annotate(label, (recall, precision), textcoords="offset points", xytext=(4, 4), fontsize=8)
    axes.set_xlabel("answer recall (answerable questions answered right)")
    axes.set_ylabel("answer precision (answers that are right)")
    axes.set_title(f"Relevance threshold sweep, {split} split")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
