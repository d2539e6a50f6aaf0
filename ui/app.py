"""The Gradio app: chat with clickable ¶ citations, a source viewer, and a documents tab."""

from __future__ import annotations

import html
import queue
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.documents import SUPPORTED_SUFFIXES, read_draft
from ingest.indexer import ingest
from rag.access import AuditLog, Clearance, LoginThrottle, User, UserStore
from rag.answer import Answer, Citation, Span
from rag.chain import AnswerChain
from rag.check import CheckReport, corrected_draft
from rag.errors import AccessError, DocumentError, IngestFailedError, RagError, UsageError
from rag.records import ParagraphRecord
from rag.settings import Settings
from rag.text import sentences
from ui.render import answer_html, briefing_text, check_html, citation_key, source_html

EXAMPLES = [
    "What does Albania commit to on cyber?",
    "Which countries have a record of full alignment with the CFSP?",
    "What is the partnership's budget in euros?",
]
DOCUMENT_COLUMNS = ["doc_id", "title", "Council ref.", "EEAS ref.", "date", "marking", "paragraphs"]
COPY_TO_CLIPBOARD = "(text) => { navigator.clipboard.writeText(text); }"
DRAFTING = "<i>Drafting (every sentence is checked before it is shown)…</i>"
# Fonts the machine has: the default theme asks Google Fonts for Source Sans, which an offline machine never gets,
# and the browser's fallback drew some bold capitals as small capitals ("EEᴀS", "Wʙ p2").
THEME = gr.themes.Default(
    font=[gr.themes.Font(name) for name in ("Liberation Sans", "Arial", "Helvetica", "sans-serif")],
    font_mono=[gr.themes.Font(name) for name in ("DejaVu Sans Mono", "monospace")],
)

CSS = """
.hidden-control { display: none !important; }
.cite-chip { display: inline-block; padding: 0 .45em; margin: 0 .1em; border-radius: .8em; background: #dbe7ff;
  color: #1d3f8f !important; font-size: .85em; font-weight: 600; text-decoration: none !important; cursor: pointer; }
.not-found { border-left: 4px solid #c77700; padding-left: .6em; }
.not-found-lead { font-weight: 700; color: #8a4b00; }
.partial { border-left: 4px solid #3b6ea8; padding-left: .6em; }
.partial-lead { font-weight: 700; color: #24507f; }
.verdict { display: inline-block; font-weight: 700; padding: 0 .5em; border-radius: 4px; margin: 0 0 .3em 0; }
.verdict-yes { background: #dff3e2; color: #17602a; }
.verdict-no { background: #fbe3e0; color: #8c1d12; }
.note { font-size: .8em; color: #666; }
.marking { background: #b00020; color: white; padding: .1em .5em; border-radius: .3em; font-weight: 700;
  white-space: nowrap; }
.source-text { white-space: pre-line; }
.marking.public { background: #2e7d32; }
.source mark { background: #fff3a3; }
.source-meta th { text-align: left; padding-right: 1em; color: #555; font-weight: 500; }
.claim { border-left: 5px solid #999; padding: .3em .6em; margin: .4em 0; background: #fafafa; }
.claim-verdict { font-weight: 700; font-size: .8em; text-transform: uppercase; margin-right: .4em; }
.claim-supported { border-color: #2e7d32; } .claim-supported .claim-verdict { color: #2e7d32; }
.claim-wrong_paragraph { border-color: #c77700; } .claim-wrong_paragraph .claim-verdict { color: #8a4b00; }
.claim-unsupported { border-color: #b00020; background: #fdf0f0; } .claim-unsupported .claim-verdict { color: #b00020; }
.claim-uncited { border-color: #3b6ea8; } .claim-uncited .claim-verdict { color: #24507f; }
.claim-unreadable_reference { border-color: #777; } .claim-unreadable_reference .claim-verdict { color: #555; }
"""
# Chips live inside chat messages, so one delegated listener forwards a click to the hidden
# key box and button, which run show_source on the server.
CHIP_SCRIPT = """
() => {
  document.addEventListener('click', (event) => {
    const chip = event.target.closest('.cite-chip');
    if (!chip) return;
    event.preventDefault();
    const viewer = chip.dataset.viewer || 'cite';
    const box = document.querySelector(`#${viewer}-key textarea, #${viewer}-key input`);
    box.value = chip.dataset.key;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => document.querySelector(`#${viewer}-open`).click(), 50);
  });
}
"""


class Readers:
    """Who is asking, and the chain that sees what they may read.

    Without a users file everyone is the operator and shares one chain. With one, the login names a
    user, and each clearance level has its own chain over an index restricted to that level (sharing
    the embedding model and the LLM), so retrieval itself never returns a paragraph the user may not read."""

    def __init__(self, settings: Settings, chain: AnswerChain) -> None:
        self.settings = settings
        self.operator = chain
        self.store = UserStore(settings.users_file) if settings.users_file else None
        self.audit = AuditLog(settings.audit_path) if settings.audit_path else None
        self.throttle = LoginThrottle()
        self._chains: dict[Clearance, AnswerChain] = {}

    def login(self, name: str, password: str) -> bool:
        """Gradio's auth callback: the users file's Argon2 hashes, with failed attempts logged and throttled."""
        assert self.store is not None
        if self.throttle.blocked(name):
            self.record("login_refused", name, reason="too many failed logins; try again later")
            return False
        if self.store.authenticate(name, password) is None:
            self.throttle.failed(name)
            self.record("login_failed", name)
            return False
        self.record("login", name)
        return True

    def user(self, request: gr.Request | None) -> User | None:
        if self.store is None:
            return None
        name = getattr(request, "username", None)
        if not name:
            raise AccessError("not logged in")
        try:
            return self.store.get(name)
        except RagError:
            raise AccessError(f"user '{name}' no longer exists; log in again") from None

    def chain(self, request: gr.Request | None) -> AnswerChain:
        user = self.user(request)
        if user is None:
            return self.operator
        if user.clearance not in self._chains:
            self._chains[user.clearance] = self.operator.for_clearance(user.clearance)
        return self._chains[user.clearance]

    def ask(self, request: gr.Request | None, question: str, api: bool = False, **options: Any) -> Answer:
        """Answer as the reader who asks, and audit what they were shown."""
        answer = self.chain(request).ask(question, **options)
        self.record("ask", self.name(request), question=question, status=answer.status,
                    shown=answer.shown_paragraphs(), **({"api": True} if api else {}))  # fmt: skip
        return answer

    def record(self, event: str, user: str | None, **fields: object) -> None:
        if self.audit is not None:
            self.audit.record(event, user, interface="ui", **fields)

    def name(self, request: gr.Request | None) -> str | None:
        return getattr(request, "username", None) if self.store else None


def build_app(settings: Settings, readers: Readers) -> gr.Blocks:
    chain = readers.operator
    # Without users the tables are filled now; with users, on page load, for the user who logged in.
    documents = _documents(chain) if readers.store is None else {}

    def respond(
        message: str,
        chat: list[dict],
        history: list[list[str]],
        mode: str,
        doc_id: str,
        citations: dict,
        request: gr.Request,
    ) -> Iterator[tuple[Any, ...]]:
        if not message.strip():
            yield chat, history, citations, gr.update(), gr.update(), ""
            return
        chat = [*chat, {"role": "user", "content": message}, {"role": "assistant", "content": "<i>Searching…</i>"}]
        yield chat, history, citations, gr.update(), gr.update(), ""
        tokens: queue.Queue[str | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["answer"] = readers.ask(
                    request, message, history=[(q, a) for q, a in history], mode=mode, doc_id=doc_id or None,
                    on_token=tokens.put,
                )  # fmt: skip
            except Exception as error:
                outcome["error"] = error
            finally:
                tokens.put(None)

        threading.Thread(target=work, daemon=True).start()
        draft = ""
        while (token := tokens.get()) is not None:
            draft += token
            chat[-1]["content"] = f"{DRAFTING}<br>{html.escape(draft)}"
            yield chat, history, citations, gr.update(), gr.update(), ""
        if "error" in outcome:
            chat[-1]["content"] = f"<b>Error:</b> {html.escape(str(outcome['error']))}"
            yield chat, history, citations, gr.update(), gr.update(), ""
            return
        answer: Answer = outcome["answer"]
        chat[-1]["content"] = answer_html(answer)
        citations = {**citations, **{citation_key(c): c.model_dump(mode="json") for c in answer.citations}}
        first = answer.citations[0] if answer.citations else None
        yield (
            chat, [*history, [message, answer.answer]], citations, source_html(first),
            briefing_text(answer), answer.model_dump_json(indent=1),
        )  # fmt: skip

    def check_draft(text: str, file_path: str | None, doc_id: str, request: gr.Request) -> tuple[str, str, dict, str]:
        """Check pasted text, or an uploaded file read like an ingested one."""
        try:
            user_chain = readers.chain(request)
            draft = _draft_from(text, file_path, settings)
            report = user_chain.check(draft, doc_id or None)
        except RagError as error:
            return f"<div class='claim claim-unsupported'><b>Error:</b> {html.escape(str(error))}</div>", "", {}, ""
        readers.record("check", readers.name(request), question=draft[:500], shown=report.shown_paragraphs())
        citations = _check_citations(user_chain.records(), report)
        state = {key: citation.model_dump(mode="json") for key, citation in citations.items()}
        return check_html(report, citations), corrected_draft(draft, report), state, report.model_dump_json(indent=1)

    def show_source(key: str, citations: dict) -> str:
        stored = citations.get(key)
        return source_html(Citation.model_validate(stored) if stored else None)

    def api_ask(
        question: str,
        mode: str = "extractive",
        doc_id: str = "",
        history: list[str] | None = None,
        request: gr.Request = None,  # type: ignore[assignment]  # injected by Gradio: who logged in
    ) -> dict:
        """Answer a question; the same JSON as `rag ask --json`."""
        answer = readers.ask(
            request, question, api=True, history=[(q, "") for q in history or []], mode=mode, doc_id=doc_id or None
        )
        return answer.model_dump(mode="json")

    def document_views(request: gr.Request) -> tuple[Any, ...]:
        """The Documents table and every document list, as this user may see them."""
        seen = _documents(readers.chain(request))
        user = readers.user(request)
        may_upload = user is None or user.can_upload
        return (
            _document_rows(seen),
            gr.update(choices=_doc_choices(seen)),
            gr.update(choices=_doc_choices(seen, everything=False)),
            gr.update(choices=_doc_choices(seen, everything=False)),
            gr.update(visible=may_upload),
            gr.update(visible=may_upload),
            gr.update(visible=may_upload),
            f"Logged in as **{user.name}** (clearance: {user.clearance.name.lower()})" if user else "",
        )

    def sections(doc_id: str | None, request: gr.Request) -> Any:
        return gr.update(choices=_sections(readers.chain(request), doc_id), value=None)

    def paragraphs(doc_id: str | None, section: str | None, request: gr.Request) -> str:
        return _paragraphs_html(readers.chain(request), doc_id, section)

    def upload(file_path: str | None, request: gr.Request) -> tuple[Any, ...]:
        user = readers.user(request)
        if user is not None and not user.can_upload:
            message = f"**Not ingested.** User `{user.name}` may not upload documents."
        else:
            message = _ingest_upload(settings, readers.chain(request), file_path)
            readers.record("upload", readers.name(request), file=Path(file_path).name if file_path else None,
                           result=message)  # fmt: skip
        return (message, *document_views(request)[:4], None)  # the upload box is emptied for the next file

    with gr.Blocks(title="Policy RAG — cited answers") as app:
        gr.Markdown(
            "## Security and defence documents — answers with checked paragraph citations\n"
            "Every sentence ends with the paragraph it comes from. Click a chip such as **¶18** to read it."
        )
        signed_in = gr.Markdown(elem_id="signed-in")
        citations_state = gr.State({})
        history_state = gr.State([])
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Chat", show_label=False, height=640, sanitize_html=False, elem_id="chat"
                    )
                    question = gr.Textbox(label="Question", placeholder="e.g. What does Albania commit to on cyber?",
                                          elem_id="question", submit_btn=True)  # fmt: skip
                    gr.Examples(EXAMPLES, inputs=[question], label="Try")
                    with gr.Row():
                        mode = gr.Radio(
                            ["extractive", "generative"], value=settings.answer_mode, label="Answer mode",
                            info="extractive quotes the documents; generative drafts with the LLM, then checks it",
                        )  # fmt: skip
                        doc_filter = gr.Dropdown(_doc_choices(documents), value="", label="Documents")
                    with gr.Row():
                        briefing = gr.Textbox(label="Answer for a briefing (citations written out)", lines=3,
                                              buttons=["copy"], elem_id="briefing")  # fmt: skip
                    copy_button = gr.Button("Copy for briefing", elem_id="copy-briefing")
                    clear = gr.Button("New chat")
                with gr.Column(scale=2):
                    source, answer_json = _viewer("Source", "source-viewer", "Answer as JSON", "answer-json")
            cite_key, cite_open = _chip_target("cite")
        with gr.Tab("Check a draft"):
            check_state = gr.State({})
            with gr.Row():
                with gr.Column(scale=3):
                    draft_box = gr.Textbox(
                        label="Draft (paste text; references such as (¶16), [¶2], (para. 29), (15047/24, ¶12))",
                        lines=8, elem_id="draft",
                    )  # fmt: skip
                    with gr.Row():
                        draft_file = gr.File(file_types=list(SUPPORTED_SUFFIXES), type="filepath",
                                             label="…or upload a draft", elem_id="draft-file")  # fmt: skip
                        draft_doc = gr.Dropdown(_doc_choices(documents, everything=False), value=None,
                                                label="Bare ¶ numbers refer to", elem_id="draft-doc")  # fmt: skip
                    check_button = gr.Button("Check", variant="primary", elem_id="check-draft")
                    verdicts = gr.HTML(elem_id="check-result")
                    corrected = gr.Textbox(
                        label="Corrected draft (wrong references replaced, missing ones added, unsupported flagged)",
                        lines=4, buttons=["copy"], elem_id="corrected-draft",
                    )  # fmt: skip
                    copy_corrected = gr.Button("Copy corrected", elem_id="copy-corrected")
                with gr.Column(scale=2):
                    check_source, check_json = _viewer("Paragraph", "check-viewer", "Check as JSON", "check-json")
            check_key, check_open = _chip_target("check")
        with gr.Tab("Documents"):
            document_table = gr.Dataframe(
                _document_rows(documents),
                headers=DOCUMENT_COLUMNS,
                label="Ingested documents",
                interactive=False,
                wrap=True,  # long titles wrap, so the marking and paragraph count stay in view
                column_widths=["14%", "30%", "10%", "12%", "10%", "12%", "12%"],
                elem_id="documents-table",
            )
            with gr.Row():
                browse_doc = gr.Dropdown(
                    _doc_choices(documents, everything=False), value=None, label="Document", elem_id="browse-doc"
                )
                browse_section = gr.Dropdown([], label="Section", elem_id="browse-section")
            paragraphs_view = gr.HTML(elem_id="paragraphs-view")
            upload_heading = gr.Markdown(f"### Add a document ({', '.join(SUPPORTED_SUFFIXES)})")
            upload_file = gr.File(
                file_types=list(SUPPORTED_SUFFIXES), type="filepath", label="Upload", elem_id="upload"
            )
            upload_button = gr.Button("Ingest", elem_id="ingest-upload")
            upload_status = gr.Markdown(elem_id="upload-status")

        outputs = [chatbot, history_state, citations_state, source, briefing, answer_json]
        inputs = [question, chatbot, history_state, mode, doc_filter, citations_state]
        question.submit(respond, inputs, outputs, api_visibility="private").then(lambda: "", None, question)
        cite_open.click(show_source, [cite_key, citations_state], source, api_visibility="private")
        check_outputs = [verdicts, corrected, check_state, check_json]
        check_button.click(check_draft, [draft_box, draft_file, draft_doc], check_outputs, api_visibility="private")
        check_open.click(show_source, [check_key, check_state], check_source, api_visibility="private")
        copy_corrected.click(None, [corrected], None, js=COPY_TO_CLIPBOARD)
        copy_button.click(None, [briefing], None, js=COPY_TO_CLIPBOARD)
        clear.click(lambda: ([], [], {}, source_html(None), "", ""), None, outputs, api_visibility="private")
        browse_doc.change(sections, browse_doc, browse_section, api_visibility="private")
        browse_section.change(paragraphs, [browse_doc, browse_section], paragraphs_view, api_visibility="private")
        views = [document_table, doc_filter, draft_doc, browse_doc, upload_heading, upload_file, upload_button,
                 signed_in]  # fmt: skip
        upload_button.click(upload, upload_file, [upload_status, *views[:4], upload_file], api_visibility="private")
        app.load(document_views, None, views, api_visibility="private")
        gr.api(api_ask, api_name="ask")
    return app


def _documents(chain: AnswerChain) -> dict[str, dict]:
    documents: dict[str, dict] = {}
    for record in chain.records():
        entry = documents.setdefault(record.doc_id, {"meta": record.document, "paragraphs": 0, "sections": []})
        if record.kind == "cover_note":  # "33 + cover note": the count a reader checks against ¶1–33
            entry["cover_note"] = True
        else:
            entry["paragraphs"] += 1
        label = " > ".join(record.section) or "(no section)"
        if label not in entry["sections"]:
            entry["sections"].append(label)
    return documents


def _document_rows(documents: dict[str, dict]) -> list[list[Any]]:
    rows = []
    for doc_id, entry in documents.items():
        meta = entry["meta"]
        markings = [meta.distribution_marking, meta.eeas_distribution_marking]
        marking = " / ".join(filter(None, markings)) or "none printed"  # not "public": only what the document shows
        count = f"{entry['paragraphs']} + cover note" if entry.get("cover_note") else str(entry["paragraphs"])
        rows.append([doc_id, meta.title, meta.council_reference or "—", meta.eeas_reference or "—", meta.date or "—",
                     marking, count])  # fmt: skip
    return rows


def _doc_choices(documents: dict[str, dict], everything: bool = True) -> list[tuple[str, str]]:
    choices = [(entry["meta"].short_title, doc_id) for doc_id, entry in documents.items()]
    return [("All documents", ""), *choices] if everything else choices


def _sections(chain: AnswerChain, doc_id: str | None) -> list[str]:
    return _documents(chain).get(doc_id or "", {}).get("sections", [])


def _paragraphs_html(chain: AnswerChain, doc_id: str | None, section: str | None) -> str:
    if not doc_id or not section:
        return ""
    records = [r for r in chain.records(doc_id) if (" > ".join(r.section) or "(no section)") == section]
    return "".join(f"<p><b>{html.escape(r.label)}</b> {html.escape(r.text)}</p>" for r in records)


def _viewer(title: str, viewer_id: str, json_label: str, json_id: str) -> tuple[gr.HTML, gr.Code]:
    """The right-hand column of a tab: the paragraph a chip opens, and the result as JSON."""
    gr.Markdown(f"### {title}")
    viewer = gr.HTML(source_html(None), elem_id=viewer_id)
    with gr.Accordion(json_label, open=False):
        return viewer, gr.Code(language="json", elem_id=json_id)


def _chip_target(viewer: str) -> tuple[gr.Textbox, gr.Button]:
    """The hidden key box and button that CHIP_SCRIPT fills and clicks for chips with data-viewer=`viewer`."""
    key = gr.Textbox(elem_id=f"{viewer}-key", elem_classes=["hidden-control"], show_label=False)
    return key, gr.Button("open", elem_id=f"{viewer}-open", elem_classes=["hidden-control"])


def _draft_from(text: str, file_path: str | None, settings: Settings) -> str:
    if file_path:
        return read_draft(Path(file_path), int(settings.max_document_mb * 1_000_000), Path(file_path).name)
    return text or ""


def _check_citations(records: list[ParagraphRecord], report: CheckReport) -> dict[str, Citation]:
    """The paragraphs the verdicts point to, as citations with the supporting sentence marked."""
    by_key = {r.key: r for r in records}
    citations: dict[str, Citation] = {}
    for claim in report.claims:
        for support in claim.supported_by:
            record = by_key.get(f"{support.doc_id}#{support.para_id}")
            if record is None:
                continue
            spans = [
                Span(start=s.start, end=s.end, text=s.text)
                for s in sentences(record.text)
                if s.text == support.sentence
            ]
            citations[record.key] = Citation(
                marker=record.marker, doc_id=record.doc_id, para_id=record.para_id, label=record.label,
                section=record.section, text=record.text, supporting_spans=spans, document=record.document,
            )  # fmt: skip
    return citations


def _ingest_upload(settings: Settings, chain: AnswerChain, file_path: str | None) -> str:
    """Same validation as `rag ingest`; a bad file is reported by name and the index stays as it was."""
    if not file_path:
        return f"Choose a file first ({', '.join(SUPPORTED_SUFFIXES)})."
    source = Path(file_path)
    target = settings.upload_dir / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    try:
        report = ingest([target], settings, chain.embedding_model)
    except IngestFailedError as error:
        target.unlink(missing_ok=True)
        return "**Not ingested; the index is unchanged.**\n\n" + "\n".join(
            f"- `{source.name}`: {e.reason}" for e in error.errors
        )
    except DocumentError as error:
        target.unlink(missing_ok=True)
        return f"**Not ingested; the index is unchanged.**\n\n- `{source.name}`: {error.reason}"
    chain.reload()
    return f"Ingested `{source.name}`: {report.summary()}"


def launch(settings: Settings, chain: AnswerChain, prevent_thread_lock: bool = False) -> gr.Blocks:
    if settings.users_file and settings.ui_auth:
        raise UsageError("RAG_UI_AUTH and RAG_USERS_FILE are both set; keep one (RAG_USERS_FILE: one login per user)")
    readers = Readers(settings, chain)
    auth: Any = tuple(settings.ui_auth.split(":", 1)) if settings.ui_auth else None
    if readers.store is not None:
        if not readers.store.users():
            raise UsageError(f"no users in {settings.users_file} (RAG_USERS_FILE); add one with `rag users add`")
        auth = readers.login
    chain.warm_up()
    app = build_app(settings, readers)
    app.queue(default_concurrency_limit=8)
    try:
        app.launch(
            server_name=settings.ui_host, server_port=settings.ui_port, auth=auth, css=CSS, js=CHIP_SCRIPT, theme=THEME,
            prevent_thread_lock=prevent_thread_lock, footer_links=[], quiet=False,
            max_file_size=int(settings.max_document_mb * 1_000_000),
        )  # fmt: skip
    except OSError:  # Gradio raises OSError when the port is taken (its message names its own settings)
        raise UsageError(
            f"cannot listen on {settings.ui_host}:{settings.ui_port}: the port is in use or not allowed; "
            "choose another with --port or RAG_UI_PORT"
        ) from None
    return app
