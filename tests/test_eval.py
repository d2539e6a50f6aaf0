"""The gold splits are valid against the real index, scoring is strict, and extractive mode passes the gate."""

from __future__ import annotations

from collections import Counter

import pytest

from eval.gold import SPLITS, GoldQuestion, load_gold, split_path
from eval.metrics import CitedSentence, SystemOutput, score_question, summarise
from eval.report import write_report
from eval.run import score_system
from eval.systems import run_chain
from rag.chain import AnswerChain

GOLD = {split: load_gold(split_path(split)) for split in SPLITS}
REQUIRED_KINDS = ["fact", "yes_no", "paraphrase", "briefing", "synthesis", "follow_up", "informal", "lookup",
                  "unanswerable", "eeas"]  # fmt: skip


@pytest.fixture(scope="module")
def paragraphs(chain: AnswerChain) -> dict[str, str]:
    return {r.key: r.text for r in chain.records()}


@pytest.mark.parametrize("split", SPLITS)
def test_each_split_covers_every_kind(split: str) -> None:
    kinds = Counter(q.kind for q in GOLD[split])
    assert {kind: kinds[kind] for kind in REQUIRED_KINDS if kinds[kind] < 8} == {}
    yes_no = [q for q in GOLD[split] if q.kind == "yes_no"]
    assert {q.expected_yes_no for q in yes_no} == {"yes", "no", None}
    assert sum(len(questions) for questions in GOLD.values()) >= 160


def test_dev_and_test_do_not_share_questions() -> None:
    def chat(question: GoldQuestion) -> tuple[str, ...]:  # a follow-up is asked with its history
        return tuple(turn.lower() for turn in (*question.history, question.question))

    dev = {chat(q) for q in GOLD["dev"]}
    assert [q.id for q in GOLD["test"] if chat(q) in dev] == []


@pytest.mark.parametrize("split", SPLITS)
def test_every_fact_is_in_a_gold_paragraph(split: str, paragraphs: dict[str, str]) -> None:
    for question in GOLD[split]:
        assert set(question.gold_keys) <= paragraphs.keys(), question.id
        texts = " ".join(" ".join(paragraphs[k].split()) for k in question.gold_keys).lower()
        for group in question.expected_facts:
            assert any(fact.lower() in texts or fact.isdigit() for fact in group), (question.id, group)


def test_gold_schema_refuses_inconsistent_records() -> None:
    with pytest.raises(ValueError, match="need gold paragraphs"):
        GoldQuestion(id="x", question="Why?", gold_paragraphs=[], expected_facts=[["a"]], answerable=True, kind="fact")
    with pytest.raises(ValueError, match="carry a history"):
        GoldQuestion(id="x", question="and?", gold_paragraphs=[], expected_facts=[], answerable=False, kind="follow_up")


def _question(**fields) -> GoldQuestion:
    base = {"id": "q", "question": "Who supports Albania's cyber resilience?", "kind": "fact", "answerable": True,
            "gold_paragraphs": [{"doc_id": "d", "para_id": "19"}], "expected_facts": [["the EU"]]}  # fmt: skip
    return GoldQuestion.model_validate({**base, **fields})


def _output(status: str, answer: str, cited: list[str]) -> SystemOutput:
    return SystemOutput(status=status, answer=answer, sentences=[CitedSentence(text=answer, cited_keys=cited)],
                        retrieved=[["d#3"], ["d#19"]], timings={})  # fmt: skip


def test_strict_score_rewards_right_answers_and_punishes_every_other_answer() -> None:
    question = _question()
    assert score_question(question, _output("answered", "The EU will support it.", ["d#19"])).strict == 1
    assert score_question(question, _output("answered", "The EU will support it.", ["d#3"])).strict == -1
    assert score_question(question, _output("answered", "Albania will.", ["d#19"])).strict == -1
    assert score_question(question, _output("partial", "The documents do not say.", [])).strict == 0
    yes_no = _question(expected_yes_no="yes", kind="yes_no")
    assert score_question(yes_no, _output("answered", "No — the EU will support it.", ["d#19"])).strict == -1
    unanswerable = _question(answerable=False, gold_paragraphs=[], expected_facts=[], kind="unanswerable")
    assert score_question(unanswerable, _output("partial", "The documents do not say.", [])).strict == 1
    assert score_question(unanswerable, _output("answered", "The EU will.", ["d#19"])).strict == -1
    wrong = score_question(question, _output("answered", "The EU will support it.", ["d#3", "d#19"]))
    assert wrong.first_gold_rank == 2 and summarise([wrong])["citation_precision"] == 0.5


def test_regression_gate_extractive_mode_on_dev(chain: AnswerChain, tmp_path) -> None:
    scores = score_system(GOLD["dev"], lambda q: run_chain(chain, q, "extractive"))
    overall = write_report({"extractive": {"dev": scores}}, tmp_path)["extractive"]["dev"]
    assert overall["strict_score"] >= GATE["strict_score"], overall
    assert overall["false_refusal_rate"] <= GATE["false_refusal_rate"], overall
    assert overall["abstention_recall"] >= GATE["abstention_recall"], overall
    assert overall["citation_precision"] >= GATE["citation_precision"], overall
    assert (tmp_path / "report.md").exists() and (tmp_path / "metrics.png").stat().st_size > 0


# Regression floors a little under the measured dev figures (README); issue 10's targets are higher and still open.
GATE = {"strict_score": 0.70, "false_refusal_rate": 0.24, "abstention_recall": 0.97, "citation_precision": 0.785}


@pytest.mark.parametrize("split", SPLITS)
def test_check_gold_covers_every_verdict_with_real_paragraphs(split: str, paragraphs: dict[str, str]) -> None:
    from eval.check_eval import VERDICTS, load_check_gold

    gold = load_check_gold(split)
    assert len(gold) >= 40 and {g.verdict for g in gold} == set(VERDICTS)
    assert all(p.key in paragraphs for g in gold for p in g.supported_by)
    assert all(bool(g.supported_by) == (g.verdict in ("supported", "wrong_paragraph", "uncited")) for g in gold)


def test_regression_gate_draft_check_on_dev(chain: AnswerChain) -> None:
    """No altered claim may ever be called supported; accuracy a little under the measured 0.956."""
    from eval.check_eval import load_check_gold, score_checks, summarise_checks

    summary = summarise_checks(score_checks(chain, load_check_gold("dev")))
    assert summary["altered_called_supported"] == 0
    assert summary["verdict_accuracy"] >= 0.94 and summary["right_paragraph_suggested"] >= 0.9
