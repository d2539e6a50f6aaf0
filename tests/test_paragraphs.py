"""The parser against the real documents, and its general rules on small synthetic texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.documents import load_manifest, parse_document
from ingest.paragraphs import parse_paragraphs
from rag.settings import Settings
from tests.conftest import ALBANIA, WESTERN_BALKANS

AREAS = "Areas of Cooperation"
ALBANIA_SECTIONS: dict[int, list[str]] = {
    **{n: ["Preface"] for n in range(1, 9)},
    **{n: ["General Framework"] for n in range(9, 12)},
    12: [AREAS],
    13: [AREAS, "EU CSDP missions and operations"],
    14: [AREAS, "Support to Ukraine"],
    **{n: [AREAS, "Countering hybrid threats"] for n in (15, 16, 17)},
    **{n: [AREAS, "Cyber issues"] for n in (18, 19)},
    20: [AREAS, "Capacity building in security and defence"],
    **{
        n: [AREAS, "Strategic communications and countering foreign information manipulation and interference (FIMI)"]
        for n in (21, 22)
    },
    23: [
        AREAS,
        "Non-proliferation and disarmament, conventional weapons, including small arms and light weapons (SALW)",
    ],
    24: [AREAS, "Counterterrorism and preventing/countering violent extremism"],
    25: [AREAS, "Consultations on relevant defence initiatives, tools and instruments"],
    26: [AREAS, "Training and education"],
    27: [AREAS, "Integrated border management"],
    **{n: [AREAS, "Women, Peace and Security"] for n in (28, 29)},
    30: [AREAS, "Protection of cultural heritage in conflict and crisis situations"],
    31: [AREAS, "External aspects of economic security"],
    **{n: ["Way Forward"] for n in (32, 33)},
}


def _document(path: Path):
    return parse_document(path, load_manifest(Settings().manifest), lambda text: len(text.split()))


def test_albania_has_33_numbered_paragraphs_in_order_under_their_sections() -> None:
    records = [r for r in _document(ALBANIA).records if r.kind == "numbered"]
    assert [int(r.para_id) for r in records] == list(range(1, 34))
    assert {int(r.para_id): r.section for r in records} == ALBANIA_SECTIONS
    assert records[17].label == "EU–Albania SDP ¶18"


@pytest.mark.parametrize(
    ("number", "first_words", "last_words"),
    [
        (9, "The EU and Albania have decided to establish", "prepare the EU-Albania Security and Defence Dialogue."),
        (13, "The EU and Albania will further strengthen", "participation in EU civilian CSDP missions."),
        (18, "The EU and Albania will deepen the existing cooperation", "including through diplomatic measures."),
        (24, "The EU and Albania will explore opportunities for", "and relevant implementing arrangements."),
    ],
)
def test_paragraph_split_by_a_page_break_is_one_record(number: int, first_words: str, last_words: str) -> None:
    record = next(r for r in _document(ALBANIA).records if r.para_id == str(number))
    assert record.text.startswith(first_words)
    assert record.text.endswith(last_words)
    source = ALBANIA.read_text(encoding="utf-8")[record.char_start : record.char_end]
    assert source.lstrip().startswith(f"{number}. {first_words}")
    assert source.rstrip().endswith(last_words)


def test_bullets_belong_to_their_lead_in_paragraph() -> None:
    paragraph_9 = next(r for r in _document(ALBANIA).records if r.para_id == "9")
    bullets = [line for line in paragraph_9.text.splitlines() if line.startswith("- ")]
    assert len(bullets) == 4
    assert bullets[0] == (
        "- Inviting Albania to relevant meetings organised by the EU dedicated to security and defence."
    )
    assert "◇" not in paragraph_9.text
    assert "dialogues and consultations to provide steering and oversight:" in paragraph_9.text


def test_cover_note_is_metadata_and_one_record_not_numbered_paragraphs() -> None:
    document = _document(ALBANIA)
    meta = document.meta
    assert meta.council_reference == "15047/24"
    assert meta.eeas_reference == "EEAS(2024) 1367"
    assert meta.date == "2024-11-06"
    assert meta.distribution_marking == "LIMITE"
    assert meta.eeas_distribution_marking == "Limited"
    assert meta.public_access_note == "DOCUMENT PARTIALLY ACCESSIBLE TO THE PUBLIC (11.12.2024)"
    assert meta.previous_reference == "EEAS(2024) 302"
    assert "CYBER 300" in meta.file_codes
    covers = [r for r in document.records if r.kind == "cover_note"]
    assert len(covers) == 1
    assert covers[0].para_id == "cover"
    assert "Delegations will find annexed" in covers[0].text
    assert "CYBER 300" not in covers[0].text, "file codes are metadata, not searchable text"
    assert all("DELETED" not in r.text for r in document.records)
    assert document.records[-1].text.endswith("will be reviewed as appropriate.")
    assert [s.text for s in document.skipped] == ["(End)"]


def test_western_balkans_page_yields_one_record_per_paragraph_under_its_headings() -> None:
    document = _document(WESTERN_BALKANS)
    records = document.records
    cfsp_csdp = "Common Foreign and Security Policy (CFSP) / Common Security and Defence Policy (CSDP)"
    csdp, cfsp = "Common Security and Defence Policy (CSDP)", "Common Foreign and Security Policy (CFSP)"
    assert [(r.para_id, r.section) for r in records] == [
        ("p1", []),
        ("p2", [cfsp_csdp]),
        ("p3", [csdp]),
        ("p4", [csdp]),
        ("p5", [csdp]),
        ("p6", [cfsp]),
        ("p7", [cfsp]),
    ]
    assert records[3].text.startswith("Currently, the EU is engaged in the region")
    assert records[-1].text.endswith("commitment to the EU integration.")
    assert all("military uniform" not in r.text for r in records)
    assert [s.reason for s in document.skipped] == ["trailing line with no text after it (image caption)"]
    assert records[2].marker == "WB p3"


def test_heading_levels_are_inferred_from_style_not_from_these_files() -> None:
    text = (
        "## Part one\n\n1. First.\n\n### **Main**\n\n2. Second.\n\n#### Sub a\n\n3. Third.\n\n"
        "Sub b\n\n4. Fourth continues\n\nafter a page break.\n\n**Closing**\n\n5. Fifth.\n"
    )
    parsed = parse_paragraphs(text)
    assert [(p.number, p.section) for p in parsed.paragraphs] == [
        (1, ["Part one"]),
        (2, ["Part one", "Main"]),
        (3, ["Part one", "Main", "Sub a"]),
        (4, ["Part one", "Main", "Sub b"]),
        (5, ["Part one", "Closing"]),
    ]
    assert parsed.paragraphs[3].text == "Fourth continues after a page break."


def test_unnumbered_text_continues_across_a_break_only_mid_sentence() -> None:
    parsed = parse_paragraphs("Heading\n\nOne sentence that stops\n\nmid-way here.\n\nA second paragraph.\n")
    assert [p.text for p in parsed.paragraphs] == ["One sentence that stops mid-way here.", "A second paragraph."]
    assert all(p.section == ["Heading"] for p in parsed.paragraphs)
