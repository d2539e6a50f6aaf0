"""Write the evaluation as JSON, a Markdown report (dev and test side by side) and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path

from eval.metrics import QuestionScore, summarise

MAIN_METRICS = [
    "strict_score", "false_refusal_rate", "abstention_recall", "citation_precision", "citation_recall",
    "fact_accuracy", "wrong_answer_rate", "recall@5", "mrr",
]  # fmt: skip


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def write_report(results: dict[str, dict[str, list[QuestionScore]]], out: Path) -> dict[str, dict[str, dict]]:
    out.mkdir(parents=True, exist_ok=True)
    overall = {system: {split: summarise(s) for split, s in splits.items()} for system, splits in results.items()}
    rows = [(system, split) for system, splits in results.items() for split in splits]
    kinds = sorted({s.kind for splits in results.values() for scores in splits.values() for s in scores})
    per_kind = {
        f"{system}/{split}": {kind: summarise([s for s in results[system][split] if s.kind == kind]) for kind in kinds}
        for system, split in rows
    }
    payload = {
        "overall": overall,
        "per_kind": per_kind,
        "questions": {
            system: {split: [s.model_dump() for s in scores] for split, scores in splits.items()}
            for system, splits in results.items()
        },
    }
    (out / "report.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")

    latency = sorted({k for o in overall.values() for s in o.values() for k in s if k.startswith("total_")})
    columns = ["questions", *MAIN_METRICS, *latency]
    lines = ["# Evaluation report", "", "## Overall", ""]
    lines += ["| system | split | " + " | ".join(columns) + " |", "|---" * (len(columns) + 2) + "|"]
    lines += [
        f"| {system} | {split} | " + " | ".join(_cell(overall[system][split].get(c)) for c in columns) + " |"
        for system, split in rows
    ]
    lines += ["", "## Per kind (strict score / false refusals / abstention recall, n)", ""]
    lines += ["| kind | " + " | ".join(f"{a}/{b}" for a, b in rows) + " |", "|---" * (len(rows) + 1) + "|"]
    for kind in kinds:
        cells = []
        for system, split in rows:
            s = per_kind[f"{system}/{split}"][kind]
            parts = [_cell(s.get(m)) for m in ("strict_score", "false_refusal_rate", "abstention_recall")]
            cells.append(" / ".join(parts) + f", {s['questions']}")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "## Questions not scored +1", ""]
    for system, split in rows:
        lines += [f"### {system} / {split}", ""]
        failing = [s for s in results[system][split] if s.strict < 1]
        lines += [] if failing else ["None.", ""]
        for s in failing:
            history = f" (after: {' / '.join(s.history)})" if s.history else ""
            lines += [
                f"- **{s.id}** ({s.kind}, score {s.strict}) {s.question}{history}",
                f"  - status: {s.status}; facts ok: {s.facts_ok}; gold: {', '.join(s.gold) or '(unanswerable)'}; "
                f"cited: {', '.join(s.cited) or '—'}",
                f"  - answer: {s.answer[:400]}",
            ]
        lines.append("")
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    _chart(overall, out / "metrics.png")
    return overall


def _chart(overall: dict[str, dict[str, dict]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    bars = [(f"{system}/{split}", summary) for system, splits in overall.items() for split, summary in splits.items()]
    metrics = [m for m in MAIN_METRICS if m != "mrr"]
    width = 0.8 / len(bars)
    figure, axes = plt.subplots(figsize=(12, 4.5))
    positions = np.arange(len(metrics))
    for offset, (label, summary) in enumerate(bars):
        axes.bar(positions + offset * width, [summary.get(m) or 0.0 for m in metrics], width, label=label)
    axes.set_xticks(positions + width * (len(bars) - 1) / 2, metrics, rotation=25, ha="right")
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_ylim(-1, 1.05)
    axes.set_title("Gold-set metrics per system and split (strict score in [-1, 1])")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
