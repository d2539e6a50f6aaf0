"""The chat UI as a user and an API client meet it: a real server, real Chromium, gradio_client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client

from rag.answer import Answer
from rag.check import UNSUPPORTED_FLAG
from rag.settings import PROJECT_ROOT, Settings
from tests.servers import free_port, running_server
from ui.render import answer_html, briefing_text

SCREENSHOTS = PROJECT_ROOT / ".artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CYBER = "What does Albania commit to on cyber?"


@pytest.fixture(scope="module")
def ui_url(corpus_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    folder = tmp_path_factory.mktemp("ui")
    env = {**os.environ, "RAG_INDEX_DIR": str(folder / "index"), "RAG_UPLOAD_DIR": str(folder / "uploads")}
    # A private copy of the index, since the UI's upload writes to it.
    subprocess.run([sys.executable, "-m", "rag", "ingest"], env=env, check=True, capture_output=True, timeout=600)
    command = [sys.executable, "-m", "rag", "ui", "--port", str(port)]
    url = f"http://127.0.0.1:{port}/"
    with running_server(command, url, folder / "ui.log", timeout=180, env=env):
        yield url


def _open(playwright, url: str):
    """Debian's Chromium, headless, on the UI; screenshots go to .artifacts/screenshots."""
    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by scripts/install.sh"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    return browser, page


def ask(page, question: str) -> None:
    """Type a question once the box is empty: the previous answer's last step clears it, and a question
    typed before that step runs would be wiped."""
    from playwright.sync_api import expect

    box = page.locator("#question textarea")
    expect(box).to_have_value("", timeout=30_000)
    box.fill(question)
    page.keyboard.press("Enter")


def test_browser_asks_opens_a_citation_sees_not_found_and_a_refused_upload(ui_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser, page = _open(playwright, ui_url)
        ask(page, CYBER)
        chips = page.locator("#chat .cite-chip")
        expect(chips.first).to_be_visible(timeout=60_000)
        assert {"¶18", "¶19"} <= set(chips.all_inner_texts())
        page.locator("#chat .cite-chip", has_text="¶18").first.click()
        viewer = page.locator("#source-viewer")
        expect(viewer).to_contain_text("EU–Albania SDP ¶18", timeout=20_000)
        expect(viewer).to_contain_text("Areas of Cooperation > Cyber issues")
        expect(viewer).to_contain_text("cyber threat landscape")
        expect(viewer).to_contain_text("LIMITE")
        expect(viewer.locator("mark").first).to_be_visible()
        # a font the machine has, not Google's Source Sans (offline, the fallback drew "EEᴀS" in small capitals)
        assert "Liberation Sans" in viewer.evaluate("node => getComputedStyle(node).fontFamily")
        page.screenshot(path=str(SCREENSHOTS / "cyber-answer.png"), full_page=True)

        ask(page, "What is the partnership's budget in euros?")
        not_found = page.locator("#chat .not-found")
        expect(not_found).to_be_visible(timeout=60_000)
        expect(not_found).to_contain_text("The documents do not say.")
        expect(not_found).to_contain_text("Closest passages")
        assert not_found.locator(".cite-chip").count() == 0
        page.screenshot(path=str(SCREENSHOTS / "not-found.png"), full_page=True)

        ask(page, "Was the Hybrid Risk Survey completed in 2019?")
        verdict = page.locator("#chat .verdict-no")
        expect(verdict).to_be_visible(timeout=60_000)
        expect(page.locator("#chat .answer").last).to_contain_text("2020")
        expect(page.locator("#chat .answer .cite-chip", has_text="¶15").last).to_be_visible()

        ask(page, "When does the EU start its cyber capacity building for Albania?")
        partial = page.locator("#chat .partial")
        expect(partial).to_be_visible(timeout=60_000)
        expect(partial.locator(".partial-lead")).to_contain_text("The documents do not say when")
        expect(partial.locator(".cite-chip").first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "yes-no-and-partial.png"), full_page=True)

        page.get_by_role("tab", name="Documents").click()
        expect(page.locator("#documents-table")).to_contain_text("15047/24")
        expect(page.locator("#documents-table")).to_contain_text("33 + cover note")  # the count of ¶1–33
        page.locator("#browse-doc input").click()
        page.get_by_role("option", name="EU–Albania SDP").click()
        page.locator("#browse-section input").click()
        page.get_by_role("option", name="Areas of Cooperation > Cyber issues").click()
        expect(page.locator("#paragraphs-view")).to_contain_text("EU–Albania SDP ¶19", timeout=20_000)
        bad = tmp_path / "scan.txt"
        bad.write_bytes(b"%PDF-1.7\x00\x00binary")
        page.locator("#upload input[type=file]").set_input_files(str(bad))
        page.locator("#ingest-upload").click()
        status = page.locator("#upload-status")
        expect(status).to_contain_text("Not ingested; the index is unchanged", timeout=60_000)
        expect(status).to_contain_text("scan.txt")
        expect(status).to_contain_text("is named .txt but its content is a PDF")
        page.screenshot(path=str(SCREENSHOTS / "bad-upload.png"), full_page=True)

        page.locator("#upload input[type=file]").set_input_files(str(_exercise_pdf(tmp_path)))
        page.locator("#ingest-upload").click()
        expect(status).to_contain_text("Ingested adriatic-exercise.pdf", timeout=120_000)
        expect(page.locator("#documents-table")).to_contain_text("adriatic-exercise")
        page.get_by_role("tab", name="Ask").click()
        ask(page, "How often will the Adriatic maritime exercise be held?")
        chip = page.locator("#chat .answer .cite-chip", has_text="adriatic-exercise ¶2").last
        expect(chip).to_be_visible(timeout=60_000)
        expect(page.locator("#chat .answer").last).to_contain_text("every two years")
        page.screenshot(path=str(SCREENSHOTS / "pdf-upload-answer.png"), full_page=True)
        browser.close()


def _exercise_pdf(folder: Path) -> Path:
    """A new document, typeset as a PDF with running headers and footers, that no corpus paragraph answers for."""
    from tests.rendered import render_pdf

    text = folder / "adriatic-exercise.txt"
    text.write_text(
        "## Maritime cooperation\n\n"
        "1. The Parties will strengthen their cooperation on maritime security in the Adriatic Sea.\n\n"
        "2. A joint Adriatic maritime exercise will be held every two years, hosted in turn by each Party, "
        "and will include search and rescue drills.\n\n"
        "3. The Parties will review these arrangements after the third exercise.\n",
        encoding="utf-8",
    )
    return render_pdf(text, folder / "adriatic-exercise.pdf")


def test_api_returns_the_same_json_as_the_cli(ui_url: str, corpus_settings: Settings) -> None:
    client = Client(ui_url, verbose=False)
    via_api = Answer.model_validate(client.predict(CYBER, "extractive", "", [], api_name="/ask"))
    env = {**os.environ, "RAG_INDEX_DIR": str(corpus_settings.index_dir)}
    cli = subprocess.run(
        [sys.executable, "-m", "rag", "ask", CYBER, "--json"], env=env, capture_output=True, text=True, check=True
    )
    via_cli = Answer.model_validate(json.loads(cli.stdout))
    ignore = {"timings", "candidates"}  # scores differ in the last digits between processes
    assert via_api.model_dump(exclude=ignore) == via_cli.model_dump(exclude=ignore)
    assert [c.label for c in via_api.candidates] == [c.label for c in via_cli.candidates]


def test_eight_questions_at_once_all_come_back_complete_and_cited(ui_url: str) -> None:
    client = Client(ui_url, verbose=False)
    questions = [
        (CYBER, "extractive", {"18", "19"}),
        (CYBER, "generative", {"18", "19", "2"}),
        ("Which countries have a record of full alignment with the CFSP?", "extractive", {"p6", "p7"}),
        ("Which countries have a record of full alignment with the CFSP?", "generative", {"p6", "p7"}),
        ("When was the Hybrid Risk Survey completed?", "extractive", {"15"}),
        ("Which agency could Albania cooperate with, besides PESCO projects?", "generative", {"25"}),
        ("What is the partnership's budget in euros?", "extractive", set()),
        ("How many Albanian troops are in EUFOR Althea?", "generative", set()),
    ]
    jobs = [client.submit(q, mode, "", [], api_name="/ask") for q, mode, _ in questions]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda job: Answer.model_validate(job.result(timeout=300)), jobs))
    for (question, _, allowed), answer in zip(questions, answers, strict=True):
        cited = {c.para_id for c in answer.citations}
        if allowed:
            assert answer.status == "answered" and cited and cited <= allowed, question
            assert all(s.markers for s in answer.sentences)
        else:
            assert answer.status in ("not_found", "partial"), question


def test_briefing_text_writes_citations_out_in_full(chain) -> None:
    text = briefing_text(chain.ask(CYBER))
    assert "(European Union – Republic of Albania Security and Defence Partnership, 15047/24, ¶19)" in text
    assert "[¶" not in text
    assert text.endswith("[Contains text marked LIMITE / Limited.]")  # pasted text keeps the marking
    run = briefing_text(chain.ask("Draft a short note on counter-terrorism cooperation."))  # two ¶24 sentences
    assert run.count("¶24)") == 1 and run.index("¶24)") > run.index("Joint Action Plan")


def test_an_answer_keeps_the_words_between_its_quotes(chain) -> None:
    both = chain.ask("What do both documents say about space?")  # answered document by document
    shown, pasted = answer_html(both), briefing_text(both)
    for title in ("EEAS Western Balkans CFSP/CSDP:", "EU–Albania SDP:"):
        assert title in shown and title in pasted
    assert "◐" not in shown  # answered, not partial
    yes_no = chain.ask("Was Concordia launched in Serbia?")
    assert briefing_text(yes_no).startswith("No — Subsequently") and "verdict-no" in answer_html(yes_no)


def test_login_is_required_when_ui_auth_is_set(corpus_settings: Settings, tmp_path: Path) -> None:
    import httpx

    port = free_port()
    env = {**os.environ, "RAG_INDEX_DIR": str(corpus_settings.index_dir), "RAG_UI_AUTH": "analyst:secret"}
    url = f"http://127.0.0.1:{port}"
    with running_server([sys.executable, "-m", "rag", "ui", "--port", str(port)], f"{url}/", tmp_path / "ui.log",
                        timeout=180, env=env):  # fmt: skip
        assert httpx.get(f"{url}/config").status_code == 401
        assert httpx.post(f"{url}/login", data={"username": "analyst", "password": "wrong"}).status_code == 400
        with httpx.Client() as session:
            assert session.post(f"{url}/login", data={"username": "analyst", "password": "secret"}).status_code == 200
            assert session.get(f"{url}/config").status_code == 200


CHECK_DRAFT = (
    "The EU will help Albania make its cyber defences more resilient through capacity building (¶19).\n"
    "Follow-up to the Hybrid Risk Survey completed in 2020 is part of the hybrid-threat work (¶14).\n"
    "The Security and Defence Dialogue between the EU and Albania will meet twice a year (¶9)."
)


def test_browser_checks_a_draft_and_suggests_the_right_paragraph(ui_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser, page = _open(playwright, ui_url)
        page.get_by_role("tab", name="Check a draft").click()
        page.fill("#draft textarea", CHECK_DRAFT)
        page.locator("#draft-doc input").click()
        page.get_by_role("option", name="EU–Albania SDP").click()
        page.locator("#check-draft").click()
        claims = page.locator("#check-result .claim")
        expect(claims).to_have_count(3, timeout=60_000)
        expect(claims.nth(0)).to_have_class("claim claim-supported")
        expect(claims.nth(1)).to_have_class("claim claim-wrong_paragraph")
        expect(claims.nth(1)).to_contain_text("¶15 says this, not ¶14")
        expect(claims.nth(2)).to_have_class("claim claim-unsupported")
        expect(claims.nth(2)).to_contain_text("annual")
        corrected = CHECK_DRAFT.replace("(¶14)", "(¶15)").replace("(¶9).", f"(¶9). {UNSUPPORTED_FLAG}")
        expect(page.locator("#corrected-draft textarea")).to_have_value(corrected)  # the wrong claim is flagged
        claims.nth(1).locator(".cite-chip", has_text="¶15").click()
        expect(page.locator("#check-viewer")).to_contain_text("Hybrid Risk Survey completed in 2020", timeout=20_000)
        page.screenshot(path=str(SCREENSHOTS / "check-a-draft.png"), full_page=True)
        browser.close()


def test_the_documents_table_never_calls_an_unmarked_document_public() -> None:
    from types import SimpleNamespace

    from ui.app import _document_rows

    meta = SimpleNamespace(
        title="Page", council_reference=None, eeas_reference=None, date=None, distribution_marking=None,
        eeas_distribution_marking=None,
    )  # fmt: skip
    (row,) = _document_rows({"page": {"meta": meta, "paragraphs": 7}})
    assert row[5] == "none printed" and row[6] == "7"
