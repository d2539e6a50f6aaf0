"""Checking a draft: references in the forms briefings use, one verdict per factual sentence, and the CLI.
The examples are written for these tests, not taken from the check gold."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag.chain import AnswerChain
from rag.check import draft_sentences, is_claim
from rag.errors import DraftError
from rag.references import find_references, without_references

RAG = [sys.executable, "-m", "rag"]


@pytest.mark.parametrize(
    ("written", "document", "numbers"),
    [("(¶16)", None, (16,)), ("[¶2]", None, (2,)), ("¶¶10–11", None, (10, 11)), ("(para. 29)", None, (29,)),
     ("(paras 28 and 29)", None, (28, 29)), ("(paragraph 8)", None, (8,)), ("(15047/24, ¶12)", "15047/24", (12,)),
     ("(EEAS(2024) 1367, para 23)", "EEAS(2024) 1367", (23,)), ("(paras 3-5)", None, (3, 4, 5)),
     ("[WB p4]", None, (4,))],
)  # fmt: skip
def test_references_in_the_forms_briefings_use(written: str, document: str | None, numbers: tuple[int, ...]) -> None:
    sentence = f"The parties will meet in spring {written}."
    (reference,) = find_references(sentence)
    assert (reference.written, reference.document, reference.numbers) == (written, document, numbers)
    assert without_references(sentence, [reference]) == "The parties will meet in spring."


def test_no_reference_in_a_plain_figure_or_bracket() -> None:
    assert find_references("The budget rose by 5 (five) percent in 2023.") == []


def test_a_reference_after_the_full_stop_belongs_to_the_sentence_before() -> None:
    parts = draft_sentences("Background:\nThe parties meet yearly. (para. 3) They train together (¶4).")
    assert [(text, [r.numbers for r in refs]) for text, refs in parts] == [
        ("Background:", []),
        ("The parties meet yearly. (para. 3)", [(3,)]),
        ("They train together (¶4).", [(4,)]),
    ]
    assert (
        not is_claim("Background:") and not is_claim("Cyber issues") and is_claim("They train together every spring.")
    )


DRAFT = """Key points for the meeting:
The EU will help Albania make its cyber defences more resilient through capacity building (¶19).
Both sides will deepen hybrid-threat cooperation, including follow-up to the Hybrid Risk Survey finished in 2020 (¶14).
The Security and Defence Dialogue between the EU and Albania will meet twice a year (¶9).
Albania has already joined several PESCO projects (¶25).
EUFOR Althea is the EU's military operation in Bosnia and Herzegovina.
Training cooperation is set out in paragraph 45 (¶45).
"""


def test_each_sentence_gets_its_verdict_and_evidence(chain: AnswerChain) -> None:
    claims = chain.check(DRAFT, "eu-albania-sdp").claims
    assert [c.verdict for c in claims] == [
        "supported", "wrong_paragraph", "unsupported", "unsupported", "uncited", "unreadable_reference"
    ]  # fmt: skip
    right, wrong, frequency, modality, uncited, unreadable = claims
    assert right.supported_by[0].para_id == "19" and "cyber resilience" in right.supported_by[0].sentence
    assert wrong.supported_by[0].para_id == "15" and "¶15 says this, not ¶14" in wrong.note
    assert "annual" in frequency.note and not frequency.supported_by
    assert "explore" in modality.note and "more firmly" in modality.note
    assert (uncited.supported_by[0].doc_id, uncited.supported_by[0].para_id) == ("eeas-wb-cfsp-csdp", "p4")
    assert "no paragraph 45" in unreadable.note


def test_a_draft_that_names_its_document_resolves_bare_numbers_and_an_empty_one_is_refused(
    chain: AnswerChain,
) -> None:
    claims = chain.check("Under 15047/24 the EU supports Albania's cyber resilience (¶19).").claims
    assert claims[0].verdict == "supported"
    with pytest.raises(DraftError, match="the draft is empty"):
        chain.check("  \n ")


def _rag(*args: str, index_dir, stdin: str | bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir), "RAG_LLM_BACKEND": "none"}
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([*RAG, *args], input=data, capture_output=True, env=env, timeout=300)


def test_the_cli_checks_standard_input_as_json_and_gates_with_strict(corpus_settings, tmp_path) -> None:
    index = corpus_settings.index_dir
    result = _rag("check", "-", "--doc", "eu-albania-sdp", "--json", index_dir=index, stdin=DRAFT)
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)["claims"]
    assert claims[0]["cited"] == [{"doc_id": "eu-albania-sdp", "para_id": "19"}]
    assert {"text", "cited", "verdict", "supported_by", "note"} <= claims[0].keys()
    assert _rag("check", "-", "--strict", "--doc", "eu-albania-sdp", index_dir=index, stdin=DRAFT).returncode == 1
    empty = _rag("check", "-", index_dir=index, stdin="")
    assert (empty.returncode, empty.stderr.decode().strip()) == (1, "error: the draft is empty")
    binary = _rag("check", "-", index_dir=index, stdin=b"\x00\x01binary")
    assert binary.returncode == 1 and binary.stderr.decode().startswith("error: standard input is binary data")
    long = tmp_path / "long.txt"
    long.write_text("The EU supports Albania. " * 2000)
    too_long = _rag("check", str(long), index_dir=index)
    assert too_long.returncode == 1 and "over the 20000 limit (setting RAG_MAX_DRAFT_CHARS)" in too_long.stderr.decode()


def test_an_unnumbered_page_is_cited_by_its_marker_or_by_position_and_a_swapped_actor_is_caught(
    chain: AnswerChain,
) -> None:
    draft = (
        "The EU's military operation in Bosnia and Herzegovina is EUFOR Althea [WB p4].\n"
        "EULEX Kosovo is the EU's largest civilian mission (EEAS page, para 4).\n"
        "Albania will support the EU's cyber resilience through capacity building (¶19).\n"
    )
    by_marker, by_position, swapped = chain.check(draft, "eu-albania-sdp").claims
    assert by_marker.verdict == by_position.verdict == "supported"
    cited = [[(c.doc_id, c.para_id) for c in claim.cited] for claim in (by_marker, by_position)]
    assert cited == [[("eeas-wb-cfsp-csdp", "p4")]] * 2
    assert swapped.verdict == "unsupported" and "in ¶19, EU acts, not Albania" in swapped.note  # not the reverse


def test_frequencies_and_dates_compare_in_any_of_their_written_forms(chain: AnswerChain) -> None:
    draft = (
        "A Security and Defence Dialogue between the EU and Albania at Directors' level is to meet every year (¶9).\n"
        "The EU and Albania will hold a Security and Defence Dialogue once every two years (¶9).\n"
        "The partnership text became partially accessible to the public on 11 December 2024.\n"
        "The partnership text became partially accessible to the public on 11 November 2024.\n"
    )
    yearly, biennial, right_date, wrong_date = chain.check(draft, "eu-albania-sdp").claims
    assert yearly.verdict == "supported"
    assert biennial.verdict == "unsupported" and "'every two years'; ¶9 says 'annual'" in biennial.note
    assert right_date.verdict == "uncited" and right_date.supported_by[0].para_id == "cover"
    assert wrong_date.verdict == "unsupported" and "the draft says 11 November 2024" in wrong_date.note


def test_a_claim_may_join_two_cited_paragraphs_or_two_facts_of_one_but_not_move_a_figure(chain: AnswerChain) -> None:
    draft = (
        "The EU and Albania will work together more closely in multilateral fora and will seek further "
        "opportunities to deepen the EU-NATO strategic partnership through exchanges at working and senior "
        "official levels (¶¶10–11).\n"
        "Albania signed a framework participation agreement for EU crisis management operations in 2012, and "
        "its agreement on exchanging classified information dates from 2016 (¶6).\n"
        "Albania's agreement on exchanging classified information dates from 2012 (¶6).\n"
    )
    joined, two_facts, moved = chain.check(draft, "eu-albania-sdp").claims
    assert joined.verdict == "supported" and {s.para_id for s in joined.supported_by} == {"10", "11"}
    assert two_facts.verdict == "supported"
    assert moved.verdict == "unsupported" and "the draft says 2012" in moved.note


def test_a_changed_qualifier_or_an_invented_commitment_is_not_supported(chain: AnswerChain) -> None:
    draft = (
        "The Security and Defence Dialogue will meet annually at ministerial level (¶9).\n"
        "Albania will open a national ESDC campus for police officers and judges (¶26).\n"
    )
    level, invented = chain.check(draft, "eu-albania-sdp").claims
    assert level.verdict == "unsupported" and "'ministerial level'; ¶9 says 'Directors level'" in level.note
    assert invented.verdict == "unsupported" and "says nothing of" in invented.note


def test_a_predicate_said_of_another_name_is_not_supported(chain: AnswerChain) -> None:
    draft = (
        "EULEX Kosovo is the EU's largest military mission (EEAS page, para 4).\n"
        "EUFOR Althea is a civilian mission in Bosnia and Herzegovina (EEAS page, para 4).\n"
        "EUFOR Althea is a military operation in Bosnia and Herzegovina (EEAS page, para 4).\n"
    )
    swapped_kind, other_subject, right = chain.check(draft, "eu-albania-sdp").claims
    assert swapped_kind.verdict == "unsupported" and "'military mission'; WB p4 says 'civilian mission'" in (
        swapped_kind.note
    )
    assert other_subject.verdict == "unsupported" and "does not say this of EUFOR Althea" in other_subject.note
    assert right.verdict == "supported"
