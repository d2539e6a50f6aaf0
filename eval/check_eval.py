"""Score the draft checker against the check gold: verdict accuracy, the confusion matrix, how many altered
claims were called supported (the number that matters most: goal none), and whether the right paragraph is
suggested for wrong_paragraph and uncited sentences.

`check_dev.jsonl` may be tuned on; `check_test.jsonl` was written by a helper from the documents alone
before the checker was tuned, and is only reported.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from eval.gold import GOLD_DIR, GoldParagraph
from rag.chain import AnswerChain

VERDICTS = ("supported", "wrong_paragraph", "unsupported", "uncited", "unreadable_reference")


class CheckGold(BaseModel):
    id: str
    text: str
    doc_id: str | None
    verdict: Literal["supported", "wrong_paragraph", "unsupported", "uncited", "unreadable_reference"]
    supported_by: list[GoldParagraph]
    altered: bool


class CheckScore(BaseModel):
    id: str
    text: str
    expected: str
    verdict: str
    altered: bool
    suggested: list[str]
    gold: list[str]
    note: str


def load_check_gold(split: str) -> list[CheckGold]:
    path = GOLD_DIR / f"check_{split}.jsonl"
    return [CheckGold.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def score_checks(chain: AnswerChain, gold: list[CheckGold]) -> list[CheckScore]:
    scores = []
    for item in gold:
        claims = chain.check(item.text, item.doc_id).claims
        claim = claims[0] if claims else None
        suggested = [f"{s.doc_id}#{s.para_id}" for s in claim.supported_by] if claim else []
        scores.append(
            CheckScore(
                id=item.id, text=item.text, expected=item.verdict, verdict=claim.verdict if claim else "skipped",
                altered=item.altered, suggested=suggested, gold=[p.key for p in item.supported_by],
                note=claim.note if claim else "",
            )
        )  # fmt: skip
    return scores


def summarise_checks(scores: list[CheckScore]) -> dict:
    suggesting = [s for s in scores if s.expected in ("wrong_paragraph", "uncited")]
    return {
        "sentences": len(scores),
        "verdict_accuracy": round(sum(s.verdict == s.expected for s in scores) / len(scores), 3) if scores else None,
        "altered_called_supported": sum(s.altered and s.verdict == "supported" for s in scores),
        "unsupported_called_supported": sum(s.expected == "unsupported" and s.verdict == "supported" for s in scores),
        "right_paragraph_suggested": round(
            sum(bool(set(s.suggested) & set(s.gold)) for s in suggesting) / len(suggesting), 3
        ) if suggesting else None,
        "confusion": {e: dict(Counter(s.verdict for s in scores if s.expected == e)) for e in VERDICTS},
    }  # fmt: skip


def write_check_report(results: dict[str, list[CheckScore]], out: Path) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    summaries = {split: summarise_checks(scores) for split, scores in results.items()}
    payload = {"summary": summaries, "sentences": {k: [s.model_dump() for s in v] for k, v in results.items()}}
    (out / "check-report.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    lines = ["# Draft check report", "", "| split | sentences | verdict accuracy | altered claims called supported | "
             "right paragraph suggested (wrong_paragraph, uncited) |", "|---|---|---|---|---|"]  # fmt: skip
    for split, summary in summaries.items():
        lines.append(
            f"| {split} | {summary['sentences']} | {summary['verdict_accuracy']} | "
            f"{summary['altered_called_supported']} | {summary['right_paragraph_suggested']} |"
        )
    for split, summary in summaries.items():
        lines += ["", f"## Confusion, {split} (rows: expected; columns: verdict)", ""]
        lines += ["| expected | " + " | ".join(VERDICTS) + " |", "|---" * (len(VERDICTS) + 1) + "|"]
        for expected in VERDICTS:
            row = summary["confusion"][expected]
            lines.append(f"| {expected} | " + " | ".join(str(row.get(v, 0)) for v in VERDICTS) + " |")
    for split, scores in results.items():
        lines += ["", f"## Sentences not given the expected verdict, {split}", ""]
        for s in scores:
            if s.verdict != s.expected:
                lines.append(f"- **{s.id}** expected {s.expected}, got {s.verdict}: {s.text}  \n  {s.note}")
    (out / "check-report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return summaries
