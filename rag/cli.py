"""The `rag` command line: options are validated here, at the edge, then passed on as Settings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rag.errors import RagError, UsageError
from rag.settings import Settings, read_settings, settings_help


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


USER_OPTION = click.option(
    "--user",
    help="Only what this user of RAG_USERS_FILE may read. A convenience for a trusted operator, who can "
    "read the index anyway, not a security boundary: the UI and its API are.",
)


class _Commands(click.Group):
    """The edge where the project's errors become one line and an exit code (2 usage/settings, 1 run time)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RagError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(
    cls=_Commands, epilog="Settings (environment variables; CLI flags override them):\n\n\b\n" + settings_help()
)
@click.option("--index-dir", type=click.Path(path_type=Path), help="Override RAG_INDEX_DIR.")
@click.option("--chroma-url", help="Override RAG_CHROMA_URL (a Chroma server, e.g. http://127.0.0.1:8000).")
@click.pass_context
def main(ctx: click.Context, index_dir: Path | None, chroma_url: str | None) -> None:
    """Answer questions about security and defence documents, citing numbered paragraphs."""
    overrides = {key: value for key, value in {"index_dir": index_dir, "chroma_url": chroma_url}.items() if value}
    ctx.obj = read_settings(**overrides)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The ingest report as one JSON object.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Read documents (default: the corpus folder) into paragraph records and index them.

    Unchanged paragraphs keep their vectors; a failed ingest leaves the previous index as it was.
    """
    from ingest.indexer import ingest as run_ingest
    from rag.embedding import SentenceTransformerEncoder
    from rag.errors import IngestFailedError

    settings = _settings(ctx)
    try:
        report = run_ingest(
            list(paths) or [settings.corpus_dir], settings, lambda: SentenceTransformerEncoder(settings)
        )
    except IngestFailedError as error:
        for document_error in error.errors:  # one line per file, each saying nothing was lost
            click.echo(f"error: {document_error} (nothing ingested; the previous index is unchanged)", err=True)
        sys.exit(error.exit_code)
    for document_error in report.errors:
        click.echo(f"error: {document_error}", err=True)
    for doc_id, markings in report.unknown_markings.items():
        click.echo(f"warning: {doc_id}: marking {', '.join(map(repr, markings))} is not a known level "
                   "(public, LIMITE/Limited); it is treated as LIMITE, the most restricted", err=True)  # fmt: skip
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for doc_id, spans in report.skipped.items():
            for span in spans:
                click.echo(f"{doc_id}: left out {span.text!r} at {span.char_start}-{span.char_end} ({span.reason})")
        click.echo(report.summary())
    if report.errors:
        click.echo(f"{len(report.errors)} file(s) not ingested; their previous paragraphs were kept", err=True)
        sys.exit(1)


@main.command()
@click.option("--doc", "doc_id", help="Only this document (doc_id).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one record per line, every field.")
@USER_OPTION
@click.pass_context
def paragraphs(ctx: click.Context, doc_id: str | None, as_json: bool, user: str | None) -> None:
    """List the indexed paragraph records in document order."""
    settings = _settings(ctx)
    index = _open_index(settings, user)
    _check_document(index, doc_id)
    records = index.records(doc_id)
    _audit(settings, "paragraphs", user, doc_id=doc_id, shown=[r.key for r in records])
    for record in records:
        if as_json:
            click.echo(record.model_dump_json())
        else:
            click.echo(f"{record.label:<36} {record.section_label[:60]:<60} {_one_line(record.text)[:60]}…")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """What the index holds: documents, paragraphs, the embedding model that built it, and when."""
    from rag.index_store import ParagraphIndex, model_fingerprint

    settings = _settings(ctx)
    index = ParagraphIndex.open(settings, check_model=False)
    counts: dict[str, int] = {}
    for record in index.records():
        counts[record.doc_id] = counts.get(record.doc_id, 0) + 1
    built = index.built_with
    report = {
        "index": str(settings.chroma_url or settings.index_dir), "generation": index.generation,
        "documents": counts, "paragraphs": sum(counts.values()),
        "embed_model": built.get("embed_model"), "embed_dimension": built.get("embed_dimension"),
        "embed_fingerprint": built.get("embed_fingerprint"), "parser_version": built.get("parser_version"),
        "ingested_at": built.get("ingested_at"),
        "matches_settings": built.get("embed_fingerprint") == model_fingerprint(settings),
    }  # fmt: skip
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"index: {report['index']} (generation {report['generation']}, built {report['ingested_at']})")
    differs = "" if report["matches_settings"] else f" — not RAG_EMBED_MODEL={settings.embed_model}; re-ingest"
    click.echo(f"model: {report['embed_model']} ({report['embed_dimension']} dimensions){differs}")
    click.echo(f"{report['paragraphs']} paragraphs in {len(counts)} documents:")
    for doc_id, count in sorted(counts.items()):
        click.echo(f"  {doc_id}: {count}")


@main.command()
@click.argument("query")
@click.option("-k", "top_k", type=click.IntRange(min=1), help="Number of paragraphs (default RAG_TOP_K).")
@click.option("--doc", "doc_id", help="Only this document (doc_id).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, best first, with scores and every field.")
@USER_OPTION
@click.pass_context
def search(
    ctx: click.Context, query: str, top_k: int | None, doc_id: str | None, as_json: bool, user: str | None
) -> None:
    """Rank paragraphs for QUERY (dense + BM25, fused by reciprocal rank)."""
    from rag.embedding import load_query_encoder
    from rag.search import search as run_search

    settings = _settings(ctx)
    if not query.strip():
        raise UsageError("QUERY is empty")
    index = _open_index(settings, user)
    _check_document(index, doc_id)
    hits = run_search(index, load_query_encoder(settings), query, top_k or settings.top_k, doc_id)
    _audit(settings, "search", user, question=query, shown=[hit.record.key for hit in hits])
    for hit in hits:
        if as_json:
            click.echo(json.dumps(hit.as_dict(), ensure_ascii=False))
        else:
            click.echo(f"{hit.score:.4f}  {hit.record.label}  [{hit.record.section_label}]")
            click.echo(f"        {_one_line(hit.record.text)[:160]}")


@main.command()
@click.argument("question")
@click.option("--mode", type=click.Choice(["extractive", "generative"]), help="Default RAG_ANSWER_MODE.")
@click.option("--doc", "doc_id", help="Only this document (doc_id).")
@click.option("--history", multiple=True, help="An earlier question of this chat (repeat, oldest first).")
@click.option("--json", "as_json", is_flag=True, help="The full answer object as JSON.")
@USER_OPTION
@click.pass_context
def ask(
    ctx: click.Context,
    question: str,
    mode: str | None,
    doc_id: str | None,
    history: tuple[str, ...],
    as_json: bool,
    user: str | None,
) -> None:
    """Answer QUESTION with cited paragraphs, or say that the documents do not answer it."""
    settings = _settings(ctx)
    if not question.strip():
        raise UsageError("QUESTION is empty")
    index = _open_index(settings, user)
    _check_document(index, doc_id)
    chain = _chain(settings, index)
    answer = chain.ask(question, history=[(q, "") for q in history], mode=mode, doc_id=doc_id)
    _audit(settings, "ask", user, question=question, status=answer.status, shown=answer.shown_paragraphs())
    if as_json:
        click.echo(answer.model_dump_json(indent=2))
        return
    click.echo(answer.answer)
    for note in answer.notes:
        click.echo(f"  note: {note}", err=True)
    if answer.citations:  # answered, or partial: what the documents do say, with its sources
        click.echo("\nSources:")
        for citation in answer.citations:
            document = citation.document
            reference = ", ".join(filter(None, [document.council_reference, document.eeas_reference, document.date]))
            marking = f" — {document.distribution_marking}" if document.distribution_marking else ""
            click.echo(f"[{citation.marker}] {citation.label}{_in_section(citation.section)}{marking}")
            if reference:
                click.echo(f"    {document.title}; {reference}")
            click.echo(f"    {citation.text}")
    elif answer.closest_passages:
        click.echo("\nClosest passages (not an answer):")
        for passage in answer.closest_passages:
            click.echo(f"- {passage.label}{_in_section(passage.section)}: {_one_line(passage.text)[:200]}")


@main.command()
@click.argument("draft", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--doc", "doc_id", help="The document bare paragraph numbers refer to (doc_id).")
@click.option("--json", "as_json", is_flag=True, help='{"claims": [...]} in the draft\'s order.')
@click.option("--strict", is_flag=True, help="Exit 1 when any sentence is not supported (to gate a briefing).")
@USER_OPTION
@click.pass_context
def check(ctx: click.Context, draft: Path, doc_id: str | None, as_json: bool, strict: bool, user: str | None) -> None:
    """Check DRAFT (a file in any ingestible format, or - for standard input): does each sentence cite the
    paragraph that supports it?"""
    settings = _settings(ctx)
    text = _read_draft(draft, settings)
    index = _open_index(settings, user)
    _check_document(index, doc_id)
    report = _chain(settings.model_copy(update={"llm_backend": "none"}), index).check(text, doc_id)
    _audit(settings, "check", user, question=text[:500], shown=report.shown_paragraphs())
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        for number, claim in enumerate(report.claims, start=1):
            supported = ", ".join(s.marker for s in claim.supported_by) or "—"
            click.echo(f"{number:>3}  {claim.verdict:<21} {supported:<12} {_clip(claim.text, 70)}")
            if claim.note:
                click.echo(f"     {'':<21} {'':<12} {claim.note}")
    if strict and any(claim.verdict != "supported" for claim in report.claims):
        sys.exit(1)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _read_draft(path: Path, settings: Settings) -> str:
    """A draft from standard input, or from a file through the ingest readers (so a PDF or DOCX works)."""
    from rag.errors import DraftError

    if str(path) == "-":
        data = sys.stdin.buffer.read()
        if b"\x00" in data:
            raise DraftError("standard input is binary data, not a draft")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DraftError(f"standard input is not UTF-8 text (byte offset {error.start})") from error
    from ingest.documents import read_draft

    return read_draft(path, int(settings.max_document_mb * 1_000_000))


@main.command()
@click.option("--host", help="Override RAG_UI_HOST (default 127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(1, 65535), help="Override RAG_UI_PORT.")
@click.pass_context
def ui(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Open the chat UI (Gradio) on the ingested documents."""
    from ui.app import launch

    settings = _settings(ctx).model_copy(
        update={key: value for key, value in {"ui_host": host, "ui_port": port}.items() if value}
    )
    launch(settings, _chain(settings))


@main.group()
def users() -> None:
    """Manage the users file (RAG_USERS_FILE): who may log in to the UI, and which markings they may read."""


@users.command(name="add")
@click.argument("name")
@click.option("--clearance", type=click.Choice(["public", "limite"]), required=True,
              help="public: unmarked documents only; limite: also LIMITE (EEAS: Limited) documents.")  # fmt: skip
@click.option("--can-upload", is_flag=True, help="May add documents through the UI.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@click.pass_context
def users_add(ctx: click.Context, name: str, clearance: str, can_upload: bool, password_stdin: bool) -> None:
    """Add NAME, or replace their password and clearance; the password is stored only as an Argon2 hash."""
    from rag.access import Clearance

    store = _users(_settings(ctx), "rag users add")
    if password_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    replaced = name in store.users()
    user = store.add(name, password, Clearance.named(clearance), can_upload)
    action = "replaced (new password and clearance)" if replaced else "added"
    click.echo(f"{user.name} {action}: {user.clearance.name.lower()}{', can upload' if user.can_upload else ''} "
               f"({store.path})")  # fmt: skip


@users.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: name, clearance, can_upload.")
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """The users and their clearances (never their password hashes)."""
    for user in _users(_settings(ctx), "rag users list").users().values():
        row = {"name": user.name, "clearance": user.clearance.name.lower(), "can_upload": user.can_upload}
        click.echo(json.dumps(row) if as_json else f"{user.name:<20} {row['clearance']:<8} "
                   f"{'can upload' if user.can_upload else ''}")  # fmt: skip


@users.command(name="remove")
@click.argument("name")
@click.pass_context
def users_remove(ctx: click.Context, name: str) -> None:
    """Remove NAME: they can no longer log in."""
    store = _users(_settings(ctx), "rag users remove")
    store.remove(name)
    click.echo(f"removed {name} ({store.path})")


@main.command(name="eval")
@click.option("--mode", "modes", multiple=True, type=click.Choice(["extractive", "generative"]),
              help="Modes to score (repeatable; default both).")  # fmt: skip
@click.option("--split", "splits", multiple=True, type=click.Choice(["dev", "test"]),
              help="Gold splits to score (repeatable; default both).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path), default=Path("eval/reports/latest"), show_default=True)
@click.option("--baseline/--no-baseline", default=True, help="Also score the LlamaIndex default pipeline.")
@click.pass_context
def evaluate(ctx: click.Context, modes: tuple[str, ...], splits: tuple[str, ...], out: Path, baseline: bool) -> None:
    """Score answers against the gold Q&A splits; writes report.json, report.md and metrics.png."""
    from eval.report import MAIN_METRICS
    from eval.run import evaluate as run_evaluation

    settings = _settings(ctx)
    chain = _chain(settings)
    overall = run_evaluation(
        chain, settings, list(modes) or ["extractive", "generative"], list(splits) or ["dev", "test"], out, baseline,
        lambda m: click.echo(m, err=True),
    )  # fmt: skip
    checks = overall.pop("draft check")
    click.echo("| system | split | " + " | ".join(MAIN_METRICS) + " |")
    for system, by_split in overall.items():
        for split, summary in by_split.items():
            click.echo(f"| {system} | {split} | " + " | ".join(str(summary.get(m)) for m in MAIN_METRICS) + " |")
    click.echo(
        "| draft check | split | verdict accuracy | altered claims called supported | right paragraph suggested |"
    )
    for split, summary in checks.items():
        click.echo(f"| draft check | {split} | {summary['verdict_accuracy']} | {summary['altered_called_supported']} | "
                   f"{summary['right_paragraph_suggested']} |")  # fmt: skip
    click.echo(f"report: {out / 'report.md'}, {out / 'check-report.md'}")


def _open_index(settings: Settings, user: str | None = None):
    """The index as `user` of the users file may see it; without a user, as the operator (everything)."""
    from rag.index_store import ParagraphIndex

    if user is None:
        return ParagraphIndex.open(settings)
    return ParagraphIndex.open(settings, clearance=_users(settings, "--user").get(user).clearance)


def _users(settings: Settings, needed_by: str):
    from rag.access import UserStore

    if settings.users_file is None:
        raise UsageError(f"{needed_by} needs a users file: set RAG_USERS_FILE (e.g. RAG_USERS_FILE=users.toml)")
    return UserStore(settings.users_file)


def _audit(settings: Settings, event: str, user: str | None, **fields: object) -> None:
    if settings.audit_path is not None:
        from rag.access import AuditLog

        AuditLog(settings.audit_path).record(event, user, interface="cli", **fields)


def _check_document(index, doc_id: str | None) -> None:
    if doc_id is not None and doc_id not in (known := index.document_ids()):
        raise UsageError(f"--doc {doc_id}: no such document in the index; it has {', '.join(sorted(known))}")


def _chain(settings: Settings, index=None):
    from rag.chain import AnswerChain
    from rag.embedding import load_query_encoder
    from rag.llm import create_llm

    llm = create_llm(settings)
    return AnswerChain(settings, index or _open_index(settings), load_query_encoder(settings), llm)


def _in_section(section: list[str]) -> str:
    """ " (Areas of Cooperation > Cyber issues)", or nothing for a paragraph under no heading."""
    return f" ({' > '.join(section)})" if section else ""


def _one_line(text: str) -> str:
    """A multi-line record (the cover note's header lines) on one table row."""
    return " ".join(text.split())
