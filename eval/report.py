"""Write the evaluation as JSON, a Markdown report and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path

from eval.metrics import QuestionScore, summarise

MAIN_METRICS = [
    "recall@5", "mrr", "citation_precision", "citation_recall", "fact_accuracy",
    "abstention_precision", "abstention_recall", "false_refusal_rate", "unsupported_answer_rate", "crag",
]  # fmt: skip


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def write_report(results: dict[str, list[QuestionScore]], out: Path) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    overall = {system: summarise(scores) for system, scores in results.items()}
    kinds = sorted({s.kind for scores in results.values() for s in scores})
    per_kind = {
        system: {kind: summarise([s for s in scores if s.kind == kind]) for kind in kinds}
        for system, scores in results.items()
    }
    payload = {
        "overall": overall,
        "per_kind": per_kind,
        "questions": {system: [s.model_dump() for s in scores] for system, scores in results.items()},
    }
    (out / "report.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")

    lines = ["# Evaluation report", "", f"{len(next(iter(results.values())))} gold questions.", "", "## Overall", ""]
    latency = sorted({k for summary in overall.values() for k in summary if k.endswith("_ms") and "total" in k})
    columns = [*MAIN_METRICS, "recall@1", "recall@3", *latency]
    lines += ["| system | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += [f"| {system} | " + " | ".join(_cell(s.get(c)) for c in columns) + " |" for system, s in overall.items()]
    lines += ["", "## Per kind (fact accuracy / citation precision / abstention recall / CRAG)", ""]
    lines += ["| kind | " + " | ".join(results) + " |", "|---" * (len(results) + 1) + "|"]
    for kind in kinds:
        cells = []
        for system in results:
            s = per_kind[system][kind]
            cells.append(
                " / ".join(
                    _cell(s.get(m)) for m in ("fact_accuracy", "citation_precision", "abstention_recall", "crag")
                )
            )
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "## Failing questions", ""]
    for system, scores in results.items():
        lines += [f"### {system}", ""]
        failing = [s for s in scores if s.crag < 1 or s.wrong_citations or s.unsupported_sentences]
        if not failing:
            lines += ["None.", ""]
        for s in failing:
            lines += [
                f"- **{s.id}** ({s.kind}) {s.question}",
                f"  - status: {s.status}; CRAG {s.crag}; facts ok: {s.facts_ok}",
                f"  - gold: {', '.join(s.gold) or '(unanswerable)'}; cited: {', '.join(s.cited) or '—'}",
                *([f"  - wrong citations: {', '.join(s.wrong_citations)}"] if s.wrong_citations else []),
                f"  - answer: {s.answer[:400]}",
            ]
        lines.append("")
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    _chart(overall, out / "metrics.png")
    return overall


def _chart(overall: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    metrics = [m for m in MAIN_METRICS if m != "unsupported_answer_rate"]
    width = 0.8 / len(overall)
    figure, axes = plt.subplots(figsize=(12, 4.5))
    positions = np.arange(len(metrics))
    for offset, (system, summary) in enumerate(overall.items()):
        values = [summary.get(m) or 0.0 for m in metrics]
        axes.bar(positions + offset * width, values, width, label=system)
    axes.set_xticks(positions + width * (len(overall) - 1) / 2, metrics, rotation=25, ha="right")
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_ylim(-1, 1.05)
    axes.set_title("Gold-set metrics per system (CRAG in [-1, 1])")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
