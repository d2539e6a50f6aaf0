"""PDF, DOCX and saved web pages give the same paragraphs, sections and metadata as the `.txt` of the same
document; bad files are refused with one line and the index keeps answering."""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.documents import ParsedDocument, load_manifest, parse_document
from rag.errors import DocumentError
from rag.settings import Settings
from tests.conftest import ALBANIA, WESTERN_BALKANS
from tests.rendered import (
    FOOTER_INITIALS,
    FOOTER_MIDDLE,
    FOOTNOTE,
    RUNNING_HEADER,
    render_docx,
    render_html,
    render_pdf,
)

MANIFEST = load_manifest(Settings().manifest)
RAG = [sys.executable, "-m", "rag"]


def _parse(path: Path, max_bytes: int = 50_000_000) -> ParsedDocument:
    return parse_document(path, MANIFEST, lambda text: len(text.split()), max_bytes)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rendered")
    return {
        "albania.pdf": render_pdf(ALBANIA, folder / f"{ALBANIA.stem}.pdf"),
        "albania.docx": render_docx(ALBANIA, folder / f"{ALBANIA.stem}.docx"),
        "balkans.pdf": render_pdf(WESTERN_BALKANS, folder / f"{WESTERN_BALKANS.stem}.pdf"),
        "balkans.html": render_html(WESTERN_BALKANS, folder / f"{WESTERN_BALKANS.stem}.html"),
    }


@pytest.mark.parametrize(
    ("rendering", "original"),
    [("albania.pdf", ALBANIA), ("albania.docx", ALBANIA), ("balkans.pdf", WESTERN_BALKANS),
     ("balkans.html", WESTERN_BALKANS)],
)  # fmt: skip
def test_each_format_gives_the_paragraphs_sections_and_metadata_of_the_txt(
    rendered: dict[str, Path], rendering: str, original: Path
) -> None:
    expected, found = _parse(original), _parse(rendered[rendering])
    assert [r.para_id for r in found.records] == [r.para_id for r in expected.records]
    for want, got in zip(expected.records, found.records, strict=True):
        assert got.section == want.section, got.para_id
        similarity = difflib.SequenceMatcher(None, _normal(want.text), _normal(got.text)).ratio()
        assert similarity >= 0.95, (got.para_id, similarity, got.text[:200])
    metadata = ("doc_id", "council_reference", "eeas_reference", "date", "distribution_marking",
                "eeas_distribution_marking", "sender", "recipients", "subject", "file_codes")  # fmt: skip
    for name in metadata:
        if getattr(expected.meta, name):
            assert getattr(found.meta, name) == getattr(expected.meta, name), name


def test_running_headers_footers_and_footnotes_stay_out_of_paragraphs(rendered: dict[str, Path]) -> None:
    for rendering in ("albania.pdf", "albania.docx", "balkans.pdf"):
        for record in _parse(rendered[rendering]).records:
            if record.kind == "cover_note":
                continue
            for furniture in (FOOTER_INITIALS, FOOTER_MIDDLE, FOOTNOTE, f"{RUNNING_HEADER} EN"):
                assert furniture not in record.text, (rendering, record.para_id, furniture)
            assert not re.search(r"\b[a-z]+- [a-z]+\b", record.text), record.text  # no hyphenated line end left


def test_paragraphs_split_across_pages_and_hyphenated_words_come_back_whole(rendered: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(rendered["albania.pdf"]) as pdf:
        pages = [page.extract_text().splitlines() for page in pdf.pages]
    assert any(line.endswith("-") for page in pages for line in page)  # the rendering hyphenates line ends
    assert any(page[1][:1].islower() for page in pages[2:])  # … and splits a sentence at a page break
    found = {r.para_id: _normal(r.text) for r in _parse(rendered["albania.pdf"]).records}
    expected = {r.para_id: _normal(r.text) for r in _parse(ALBANIA).records}
    differing = [key for key in expected if key != "cover" and found[key] != expected[key]]
    assert not differing, [(key, found[key]) for key in differing]


def test_the_web_page_keeps_only_the_article(rendered: dict[str, Path]) -> None:
    document = _parse(rendered["balkans.html"])
    text = " ".join(r.text for r in document.records)
    for chrome in ("cookies", "Home", "Related links", "Legal notice", "military uniform", "Enlargement policy"):
        assert chrome not in text
    assert document.meta.date == "2021-07-28"


def _pdf_without_text(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    page.rect(100, 100, 300, 500, fill=1)  # a scanned page is an image; here a filled shape, with no text
    page.save()
    return path


def _encrypted_pdf(path: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    page.drawString(100, 700, "1. A paragraph behind a password.")
    page.save()
    return path


@pytest.mark.parametrize(
    ("case", "reason"),
    [("scan", "has no text layer (a scanned image?); run OCR on it first"),
     ("encrypted", "PDF; save an unencrypted copy"),
     ("truncated", "is not a readable PDF (corrupt or truncated"),
     ("text-named-pdf", "is named .pdf but its content is plain text"),
     ("pdf-named-docx", "is named .docx but its content is a PDF"),
     ("corrupt-docx", "is named .docx but its content is binary data"),
     ("too-big", "over the 1 MB limit (setting RAG_MAX_DOCUMENT_MB)")],
)  # fmt: skip
def test_bad_documents_are_refused_with_one_line(
    tmp_path: Path, rendered: dict[str, Path], case: str, reason: str
) -> None:
    albania_pdf = rendered["albania.pdf"].read_bytes()
    path = tmp_path / "draft.pdf"
    if case == "scan":
        _pdf_without_text(path)
    elif case == "encrypted":
        _encrypted_pdf(path)
    elif case == "truncated":
        path.write_bytes(albania_pdf[: len(albania_pdf) // 3])
    elif case == "text-named-pdf":
        path.write_text("1. Plain text pretending to be a PDF.\n")
    elif case == "pdf-named-docx":
        path = tmp_path / "draft.docx"
        path.write_bytes(albania_pdf)
    elif case == "corrupt-docx":
        path = tmp_path / "draft.docx"
        path.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    else:
        path.write_bytes(albania_pdf + b"\n%" + b"x" * 1_000_000)
    with pytest.raises(DocumentError) as caught:
        _parse(path, max_bytes=1_000_000)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and reason in message and "\n" not in message


def _rag(*args: str, index_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir), "RAG_LLM_BACKEND": "none"}
    return subprocess.run([*RAG, *args], capture_output=True, text=True, env=env, timeout=600)


def test_a_pdf_ingested_alone_answers_and_cites_as_the_txt_does(tmp_path: Path, rendered: dict[str, Path]) -> None:
    question = "When was the Hybrid Risk Survey completed?"
    from_txt, from_pdf = tmp_path / "txt-index", tmp_path / "pdf-index"
    assert _rag("ingest", str(ALBANIA), index_dir=from_txt).returncode == 0
    ingested = _rag("ingest", str(rendered["albania.pdf"]), index_dir=from_pdf)
    assert ingested.returncode == 0, ingested.stderr
    answers = [json.loads(_rag("ask", question, "--json", index_dir=i).stdout) for i in (from_txt, from_pdf)]
    assert answers[0]["status"] == answers[1]["status"] == "answered"
    assert [c["marker"] for c in answers[1]["citations"]] == [c["marker"] for c in answers[0]["citations"]] == ["¶15"]
    assert answers[1]["answer"] == answers[0]["answer"]

    truncated = tmp_path / "broken.pdf"
    truncated.write_bytes(rendered["albania.pdf"].read_bytes()[:5000])
    refused = _rag("ingest", str(truncated), index_dir=from_pdf)
    assert refused.returncode == 1 and refused.stderr.splitlines()[0].startswith(f"error: {truncated}: ")
    again = json.loads(_rag("ask", question, "--json", index_dir=from_pdf).stdout)
    assert again["answer"] == answers[1]["answer"]
