"""Marking-aware access: a LIMITE paragraph reaches only users cleared for it, through every way out."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.access import Clearance, UserStore, marking_level
from rag.answer import ACCESS_OPENING, Answer
from rag.chain import AnswerChain
from rag.index_store import ParagraphIndex
from rag.records import DocumentMeta
from rag.settings import PROJECT_ROOT, Settings
from rag.text import sentences
from tests.servers import free_port, running_server

ALBANIA = "eu-albania-sdp"
CYBER = "What does Albania commit to on cyber?"
PASSWORDS = {"pat": "public-pass-1", "lee": "limite-pass-2"}
SCREENSHOTS = PROJECT_ROOT / ".artifacts" / "screenshots"


def _rag(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rag", *args], input=stdin, capture_output=True, text=True,
        env={**os.environ, **env}, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def users_env(corpus_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Two users made with the CLI, as an operator would: pat (public) and lee (LIMITE, may upload)."""
    folder = tmp_path_factory.mktemp("users")
    env = {
        "RAG_INDEX_DIR": str(corpus_settings.index_dir),
        "RAG_USERS_FILE": str(folder / "users.toml"),
        "RAG_AUDIT_LOG": str(folder / "audit.jsonl"),
    }
    for name, clearance, extra in (("pat", "public", []), ("lee", "limite", ["--can-upload"])):
        added = _rag("users", "add", name, "--clearance", clearance, *extra, "--password-stdin", env=env,
                     stdin=PASSWORDS[name] + "\n")  # fmt: skip
        assert added.returncode == 0, added.stderr
    return env


def restricted_sentences(chain: AnswerChain) -> list[str]:
    """Every sentence of the LIMITE document, long enough to be unmistakable."""
    return [s.text for r in chain.records(ALBANIA) for s in sentences(r.text) if len(s.text) > 40]


def leaked(payload: object, restricted: list[str]) -> list[str]:
    text = json.dumps(payload, ensure_ascii=False)
    return [sentence for sentence in restricted if sentence in text]


def test_markings_give_levels_and_an_unknown_marking_is_the_most_restricted(chain: AnswerChain) -> None:
    documents = {r.doc_id: r.document for r in chain.records()}
    assert marking_level(documents[ALBANIA]) == (Clearance.LIMITE, [])  # LIMITE, and the EEAS's "Limited"
    assert marking_level(documents["eeas-wb-cfsp-csdp"]) == (Clearance.PUBLIC, [])  # no marking
    secret = DocumentMeta(doc_id="x", title="x", short_title="x", source_path="x", distribution_marking="CONFIDENTIAL")
    assert marking_level(secret) == (Clearance.LIMITE, ["CONFIDENTIAL"])


def test_users_file_holds_argon2_hashes_only_and_refuses_wrong_passwords(users_env: dict[str, str]) -> None:
    path = Path(users_env["RAG_USERS_FILE"])
    text = path.read_text()
    assert "$argon2id$" in text and not any(password in text for password in PASSWORDS.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    listed = [json.loads(line) for line in _rag("users", "list", "--json", env=users_env).stdout.splitlines()]
    assert listed == [
        {"name": "pat", "clearance": "public", "can_upload": False},
        {"name": "lee", "clearance": "limite", "can_upload": True},
    ]
    store = UserStore(path)
    assert store.authenticate("pat", PASSWORDS["pat"]).clearance == Clearance.PUBLIC
    assert store.authenticate("pat", PASSWORDS["lee"]) is None
    assert store.authenticate("nobody", PASSWORDS["pat"]) is None


def test_users_can_be_removed_and_names_and_clearances_are_checked(tmp_path: Path) -> None:
    env = {"RAG_USERS_FILE": str(tmp_path / "users.toml")}
    missing = _rag("ask", CYBER, "--user", "sam", env=env)
    assert missing.returncode == 2 and "users.toml (RAG_USERS_FILE) does not exist" in missing.stderr
    added = _rag("users", "add", "sam", "--clearance", "public", "--password-stdin", env=env, stdin="sam-pass-1\n")
    assert added.returncode == 0 and added.stdout.startswith("sam added: public")
    again = _rag("users", "add", "sam", "--clearance", "limite", "--password-stdin", env=env, stdin="sam-pass-2\n")
    assert again.stdout.startswith("sam replaced (new password and clearance): limite")
    short = _rag("users", "add", "kay", "--clearance", "public", "--password-stdin", env=env, stdin="short\n")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    refused = _rag("users", "add", "sam", "--clearance", "secret", "--password-stdin", env=env, stdin="sam-pass-3\n")
    assert refused.returncode == 2 and "'secret' is not one of" in refused.stderr
    assert _rag("users", "remove", "sam", env=env).returncode == 0
    assert _rag("users", "list", "--json", env=env).stdout == ""
    gone = _rag("users", "remove", "sam", env=env)
    assert gone.returncode == 2 and gone.stderr.startswith("error: no user 'sam'")


@pytest.fixture(scope="module")
def readers(corpus_settings: Settings, users_env: dict[str, str], chain: AnswerChain) -> dict[str, AnswerChain]:
    settings = corpus_settings.model_copy(update={"users_file": Path(users_env["RAG_USERS_FILE"])})
    return {
        name: AnswerChain(settings, ParagraphIndex.open(settings, clearance=clearance), chain.embedding_model(), None)
        for name, clearance in (("public", Clearance.PUBLIC), ("limite", Clearance.LIMITE))
    }


def test_retrieval_itself_is_restricted(readers: dict[str, AnswerChain]) -> None:
    public = readers["public"].index
    assert public.document_ids() == {"eeas-wb-cfsp-csdp"}
    dense = public.dense("cyber threats and cyber resilience", readers["public"].embedding_model(), 5)
    keyword = public.keyword("cyber Albania", 5)
    assert dense and keyword  # top-k filled with readable paragraphs, not emptied by filtering afterwards
    assert {p.record.doc_id for p in dense + keyword} == {"eeas-wb-cfsp-csdp"}
    assert len(public.dense("Albania", readers["public"].embedding_model(), 7)) == 7


@pytest.mark.parametrize(
    "question",
    [CYBER, "What does paragraph 18 say?", "When was the Hybrid Risk Survey completed?", "Tell me about space."],
)
def test_a_public_reader_gets_no_restricted_text_in_any_field(
    readers: dict[str, AnswerChain], chain: AnswerChain, question: str
) -> None:
    answer = readers["public"].ask(question, mode="extractive")
    assert not leaked(answer.model_dump(mode="json"), restricted_sentences(chain))
    assert ALBANIA not in {c.doc_id for c in [*answer.citations, *answer.candidates, *answer.closest_passages]}
    if answer.status != "answered":
        assert answer.answer.startswith(ACCESS_OPENING)


def test_a_cleared_reader_gets_the_cyber_paragraphs(readers: dict[str, AnswerChain]) -> None:
    answer = readers["limite"].ask(CYBER, mode="extractive")
    assert answer.status == "answered" and {c.para_id for c in answer.citations} == {"18", "19"}


def test_not_found_reads_the_same_whether_or_not_a_restricted_paragraph_answers(
    readers: dict[str, AnswerChain],
) -> None:
    """Budget: in no document. Hybrid Risk Survey: only in the LIMITE one. A public reader cannot tell them apart."""
    for question in ("What is the partnership's budget in euros?", "When was the Hybrid Risk Survey completed?"):
        answer = readers["public"].ask(question, mode="extractive")
        assert answer.status == "not_found" and answer.answer == f"{ACCESS_OPENING}.", question
    budget = readers["limite"].ask("What is the partnership's budget in euros?", mode="extractive")
    assert budget.answer.startswith(ACCESS_OPENING)


def test_cli_user_option_filters_and_the_audit_log_records_both(users_env: dict[str, str], chain: AnswerChain) -> None:
    audit = Path(users_env["RAG_AUDIT_LOG"])
    audit.unlink(missing_ok=True)
    public = _rag("ask", CYBER, "--user", "pat", "--json", env=users_env)
    limite = _rag("ask", CYBER, "--user", "lee", "--json", env=users_env)
    assert public.returncode == 0 and limite.returncode == 0, public.stderr + limite.stderr
    assert not leaked(json.loads(public.stdout), restricted_sentences(chain))
    assert {c.para_id for c in Answer.model_validate_json(limite.stdout).citations} == {"18", "19"}
    hits = [
        json.loads(line)
        for line in _rag("search", "cyber", "--user", "pat", "--json", env=users_env).stdout.split("\n")
        if line
    ]
    assert hits and {h["doc_id"] for h in hits} == {"eeas-wb-cfsp-csdp"}
    listed = _rag("paragraphs", "--user", "pat", "--json", env=users_env).stdout.splitlines()
    assert len(listed) == 7
    refused = _rag("ask", CYBER, "--user", "nobody", env=users_env)
    assert refused.returncode == 2 and refused.stderr.startswith("error: no user 'nobody'")

    entries = [json.loads(line) for line in audit.read_text().splitlines()]
    asks = [e for e in entries if e["event"] == "ask"]
    assert [(e["user"], e["question"]) for e in asks] == [("pat", CYBER), ("lee", CYBER)]
    assert not any(k.startswith(ALBANIA) for k in asks[0]["shown"])
    assert {"eu-albania-sdp#18", "eu-albania-sdp#19"} <= set(asks[1]["shown"])
    assert asks[1]["status"] == "answered" and all("time" in e for e in entries)
    assert not any(password in audit.read_text() for password in PASSWORDS.values())


@pytest.fixture(scope="module")
def users_ui(users_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    folder = tmp_path_factory.mktemp("users-ui")
    env = {**os.environ, **users_env, "RAG_UPLOAD_DIR": str(folder / "uploads")}
    url = f"http://127.0.0.1:{port}/"
    with running_server([sys.executable, "-m", "rag", "ui", "--port", str(port)], url, folder / "ui.log",
                        timeout=180, env=env):  # fmt: skip
        yield url


def test_api_answers_each_user_by_their_clearance(users_ui: str, users_env: dict[str, str], chain: AnswerChain) -> None:
    from gradio_client import Client

    public = Client(users_ui, auth=("pat", PASSWORDS["pat"]), verbose=False).predict(
        CYBER, "extractive", "", [], api_name="/ask"
    )
    assert not leaked(public, restricted_sentences(chain))
    assert Answer.model_validate(public).answer.startswith(ACCESS_OPENING) or public["status"] == "answered"
    limite = Client(users_ui, auth=("lee", PASSWORDS["lee"]), verbose=False).predict(
        CYBER, "extractive", "", [], api_name="/ask"
    )
    assert {c["para_id"] for c in limite["citations"]} == {"18", "19"}
    entries = [json.loads(line) for line in Path(users_env["RAG_AUDIT_LOG"]).read_text().splitlines()]
    assert {("pat", "ui"), ("lee", "ui")} <= {(e["user"], e["interface"]) for e in entries if e["event"] == "ask"}


def test_wrong_passwords_are_refused_logged_and_throttled(users_ui: str, users_env: dict[str, str]) -> None:
    import httpx

    login = f"{users_ui}login"
    added = _rag("users", "add", "kim", "--clearance", "public", "--password-stdin", env=users_env, stdin="kim-pass\n")
    assert added.returncode == 0  # the running UI reads the users file at each login
    assert httpx.post(login, data={"username": "kim", "password": "kim-pass"}).status_code == 200
    for _ in range(5):
        assert httpx.post(login, data={"username": "kim", "password": "wrong-guess"}).status_code == 400
    # Past five failures, even the right password is refused for a while; other names are not affected.
    assert httpx.post(login, data={"username": "kim", "password": "kim-pass"}).status_code == 400
    assert httpx.post(login, data={"username": "pat", "password": PASSWORDS["pat"]}).status_code == 200
    entries = [json.loads(line) for line in Path(users_env["RAG_AUDIT_LOG"]).read_text().splitlines()]
    events = [e["event"] for e in entries if e["user"] == "kim" and e["event"].startswith("login")]
    assert events == ["login"] + ["login_failed"] * 5 + ["login_refused"]
    assert "wrong-guess" not in Path(users_env["RAG_AUDIT_LOG"]).read_text()


def test_browser_logs_in_as_each_user_and_sees_only_their_documents(users_ui: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.test_ui import _open, ask

    with sync_playwright() as playwright:
        for name, documents in (("pat", ["eeas-wb-cfsp-csdp"]), ("lee", ["eeas-wb-cfsp-csdp", ALBANIA])):
            browser, page = _open(playwright, users_ui)
            page.fill("input[type=text]", name)
            page.fill("input[type=password]", PASSWORDS[name])
            page.keyboard.press("Enter")
            expect(page.locator("#signed-in")).to_contain_text(f"Logged in as {name}", timeout=30_000)
            ask(page, CYBER)
            if name == "lee":
                expect(page.locator("#chat .cite-chip").first).to_be_visible(timeout=60_000)
                assert "Albania" in page.locator("#chat").inner_text()
            else:
                expect(page.locator("#chat")).to_contain_text("The documents you can access", timeout=60_000)
            page.screenshot(path=str(SCREENSHOTS / f"access-{name}-ask.png"))
            page.get_by_role("tab", name="Documents").click()
            table = page.locator("#documents-table")
            expect(table).to_contain_text("eeas-wb-cfsp-csdp", timeout=30_000)
            assert (ALBANIA in table.inner_text()) == (ALBANIA in documents)
            expect(page.locator("#upload")).to_be_visible() if name == "lee" else expect(
                page.locator("#upload")
            ).to_be_hidden()
            page.locator("#browse-doc input").click()
            page.get_by_role("option", name="EEAS Western Balkans CFSP/CSDP").click()
            page.locator("#browse-section input").click()
            page.get_by_role("option").first.click()
            expect(page.locator("#paragraphs-view")).to_contain_text("EEAS Western Balkans CFSP/CSDP", timeout=20_000)
            page.screenshot(path=str(SCREENSHOTS / f"access-{name}-documents.png"))
            browser.close()
