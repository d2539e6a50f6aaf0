"""The gold set is valid against the real index, and the extractive mode passes the regression gate."""

from __future__ import annotations

from collections import Counter

import pytest

from eval.gold import GoldQuestion, load_gold
from eval.metrics import CitedSentence, SystemOutput, score_question, summarise
from eval.report import write_report
from eval.run import score_system
from eval.systems import run_chain
from rag.chain import AnswerChain
from rag.index_store import ParagraphIndex
from rag.settings import Settings

GOLD = load_gold()


@pytest.fixture(scope="module")
def paragraphs(corpus_settings: Settings) -> dict[str, str]:
    return {r.key: r.text for r in ParagraphIndex.open(corpus_settings).records()}


def test_gold_set_shape() -> None:
    kinds = Counter(q.kind for q in GOLD)
    assert len(GOLD) >= 80
    assert sum(not q.answerable for q in GOLD) >= 15
    assert kinds["informal"] >= 10 and kinds["follow-up"] >= 5
    assert {"factual", "commitment", "date", "list", "paraphrase", "unanswerable"} <= kinds.keys()


def test_every_paragraph_is_gold_and_every_fact_is_in_a_gold_paragraph(paragraphs: dict[str, str]) -> None:
    gold_keys = {key for q in GOLD for key in q.gold_keys}
    numbered = {k for k in paragraphs if k.startswith("eu-albania-sdp#") and k.split("#")[1].isdigit()}
    western_balkans = {k for k in paragraphs if k.startswith("eeas-wb-cfsp-csdp#")}
    assert len(numbered) == 33 and len(western_balkans) == 7
    assert numbered | western_balkans <= gold_keys
    for question in GOLD:
        assert set(question.gold_keys) <= paragraphs.keys(), question.id
        texts = " ".join(paragraphs[k] for k in question.gold_keys).lower()
        for group in question.expected_facts:
            assert any(fact.lower() in texts for fact in group), (question.id, group)


def test_gold_schema_refuses_inconsistent_records() -> None:
    with pytest.raises(ValueError, match="need gold paragraphs"):
        GoldQuestion(
            id="x", question="Why?", gold_paragraphs=[], expected_facts=[["a"]], answerable=True, kind="factual"
        )
    with pytest.raises(ValueError, match="carry a history"):
        GoldQuestion(id="x", question="and?", gold_paragraphs=[], expected_facts=[], answerable=False, kind="follow-up")


def test_scoring_counts_wrong_citations_and_crag(paragraphs: dict[str, str]) -> None:
    question = next(q for q in GOLD if q.id == "a19")
    wrong = SystemOutput(
        status="answered",
        answer="The EU will support cyber capacity building and rapid response assistance.",
        sentences=[CitedSentence(text="The EU will support cyber capacity building.", cited_keys=["eu-albania-sdp#3"])],
        retrieved=[["eu-albania-sdp#3"], ["eu-albania-sdp#19"]],
        timings={},
    )
    score = score_question(question, wrong, paragraphs)
    assert (score.wrong_citations, score.crag, score.first_gold_rank) == (["eu-albania-sdp#3"], -1, 2)
    assert summarise([score])["citation_precision"] == 0.0


def test_regression_gate_extractive_mode(chain: AnswerChain, paragraphs: dict[str, str], tmp_path) -> None:
    scores = score_system(GOLD, lambda q: run_chain(chain, q, "extractive"), paragraphs)
    overall = write_report({"extractive": scores}, tmp_path)["extractive"]
    assert overall["recall@5"] >= 0.95
    assert overall["citation_precision"] >= 0.95
    assert overall["abstention_recall"] >= 0.9
    assert [s.id for s in scores if s.wrong_citations or s.unsupported_sentences] == []
    assert (tmp_path / "report.md").exists() and (tmp_path / "metrics.png").stat().st_size > 0


def test_uncited_sentence_is_judged_against_what_was_retrieved(paragraphs: dict[str, str]) -> None:
    question = next(q for q in GOLD if q.id == "a04")
    invented = SystemOutput(
        status="answered",
        answer="The European Council in March 2024 endorsed opening accession negotiations with Albania.",
        sentences=[CitedSentence(text="The European Council in March 2024 endorsed the decision.", cited_keys=[])],
        retrieved=[["eu-albania-sdp#4"]],
        timings={},
    )
    score = score_question(question, invented, paragraphs)
    assert score.unsupported_sentences and score.crag == -1 and score.facts_ok is False
