"""Turn answers into the HTML and text the UI shows; pure functions, testable without a browser."""

from __future__ import annotations

import html

from rag.answer import Answer, Citation
from rag.check import CheckReport


def citation_key(citation: Citation) -> str:
    return f"{citation.doc_id}#{citation.para_id}"


def chip(citation: Citation, viewer: str = "cite") -> str:
    """A clickable marker; ui/app.py's script opens the paragraph in the viewer it names."""
    key = html.escape(citation_key(citation), quote=True)
    label, marker = html.escape(citation.label), html.escape(citation.marker)
    return f'<a href="#" class="cite-chip" data-key="{key}" data-viewer="{viewer}" title="{label}">{marker}</a>'


def answer_html(answer: Answer) -> str:
    if answer.status == "not_found":
        passages = "".join(
            f"<li><b>{html.escape(p.label)}</b> ({html.escape(' > '.join(p.section) or 'no section')}): "
            f"{html.escape(p.text[:220])}{'…' if len(p.text) > 220 else ''}</li>"
            for p in answer.closest_passages
        )
        notes = "".join(f"<div class='note'>{html.escape(n)}</div>" for n in answer.notes)
        return (
            f"<div class='not-found'><p class='not-found-lead'>⚠ {html.escape(answer.answer)}</p>{notes}"
            f"<p>Closest passages — <i>not an answer</i>:</p><ul>{passages}</ul></div>"
        )
    body = _body(answer)
    lead = _lead(answer)
    if answer.yes_no:
        lead_html = f"<p class='verdict verdict-{answer.yes_no}'>{html.escape(answer.yes_no.capitalize())}</p>"
    elif lead and answer.status == "partial":
        lead_html = f"<p class='partial-lead'>◐ {html.escape(lead)}</p>"
    elif lead:  # a per-document answer's first title
        lead_html = f"<p>{html.escape(lead)}</p>"
    else:
        lead_html = ""
    sources = "".join(
        f"<li>{chip(c)} {html.escape(c.label)}{html.escape(' — ' + ' > '.join(c.section) if c.section else '')} "
        f"{_marking_badge(c)}</li>"
        for c in answer.citations
    )
    notes = "".join(f"<div class='note'>{html.escape(n)}</div>" for n in answer.notes)
    sources_block = f"<div class='sources'><b>Sources</b><ul>{sources}</ul></div>"
    kind = "partial" if answer.status == "partial" else "answer"
    return f"<div class='{kind}'>{lead_html}{body}{sources_block}{notes}</div>"


def _body(answer: Answer) -> str:
    """The answer after its lead, as the chain wrote it (so a compound or per-document answer keeps its own
    wording between quotes), with each quoted sentence's markers turned into chips."""
    by_marker = {c.marker: c for c in answer.citations}
    text = answer.answer
    if answer.sentences:
        text = text[text.find(answer.sentences[0].text) :]
    pieces, rest = [], text
    for sentence in answer.sentences:
        before, found, after = rest.partition(sentence.written)
        if not found:
            continue
        chips = " ".join(chip(by_marker[m]) for m in sentence.markers)
        pieces += [html.escape(before), f"{html.escape(sentence.text)} {chips}"]
        rest = after
    lines = "".join([*pieces, html.escape(rest)]).split("\n")
    if answer.answer.startswith("- "):
        return "<ul>" + "".join(f"<li>{line.removeprefix('- ')}</li>" for line in lines) + "</ul>"
    return "".join(f"<p>{line}</p>" for line in lines)


def _lead(answer: Answer) -> str:
    """What the answer says before its first quoted sentence: a Yes/No, or a partial answer's note on the gap."""
    if not answer.sentences:
        return ""
    return answer.answer.split(answer.sentences[0].text, 1)[0].strip().lstrip("-").strip(" —")


def _marking_badge(citation: Citation) -> str:
    document = citation.document
    marking = " / ".join(filter(None, [document.distribution_marking, document.eeas_distribution_marking]))
    if not marking:
        return "<span class='marking public'>no marking</span>"
    return f"<span class='marking'>{html.escape(marking)}</span>"


VERDICT_LABELS = {
    "supported": "supported", "wrong_paragraph": "wrong paragraph", "unsupported": "not supported",
    "uncited": "no reference", "unreadable_reference": "unreadable reference",
}  # fmt: skip


def check_html(report: CheckReport, citations: dict[str, Citation]) -> str:
    """Each sentence of the draft in its verdict's colour, with the paragraphs that support it as chips
    that open the paragraph in the check tab's viewer."""
    if not report.claims:
        return "<div class='source-empty'>No factual sentences found in the draft.</div>"
    rows = []
    for claim in report.claims:
        chips = "".join(
            chip(citations[f"{s.doc_id}#{s.para_id}"], viewer="check")
            for s in claim.supported_by if f"{s.doc_id}#{s.para_id}" in citations
        )  # fmt: skip
        note = f"<div class='note'>{html.escape(claim.note)}</div>" if claim.note else ""
        rows.append(
            f"<div class='claim claim-{claim.verdict}'><span class='claim-verdict'>"
            f"{VERDICT_LABELS[claim.verdict]}</span> {html.escape(claim.text)} {chips}{note}</div>"
        )
    return "".join(rows)


def source_html(citation: Citation | None) -> str:
    """The cited paragraph in full, its supporting spans highlighted, with everything needed to cite it."""
    if citation is None:
        return "<div class='source-empty'>Select a citation chip such as ¶18 to read the paragraph it cites.</div>"
    text = citation.text
    pieces, cursor = [], 0
    for span in sorted(citation.supporting_spans, key=lambda s: s.start):
        pieces += [html.escape(text[cursor : span.start]), f"<mark>{html.escape(text[span.start : span.end])}</mark>"]
        cursor = span.end
    pieces.append(html.escape(text[cursor:]))
    document = citation.document
    rows = [
        ("Document", document.title),
        ("Section", " > ".join(citation.section) or "—"),
        ("Council reference", document.council_reference),
        ("EEAS reference", document.eeas_reference),
        ("Date", document.date),
        ("Public access", document.public_access_note),
        ("Source", document.source_kind),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{html.escape(v)}</td></tr>" for k, v in rows if v)
    badge = _marking_badge(citation)
    return (
        f"<div class='source' data-key='{html.escape(citation_key(citation), quote=True)}'>"
        f"<div class='source-head'><b class='source-label'>{html.escape(citation.label)}</b> {badge}</div>"
        f"<p class='source-text'>{''.join(pieces)}</p><table class='source-meta'>{table}</table></div>"
    )


def briefing_text(answer: Answer) -> str:
    """The answer with each marker written out in full, ready to paste into a note."""
    if answer.status == "not_found":
        return f"{answer.question}\n{answer.answer}"
    by_marker = {c.marker: c for c in answer.citations}
    text = answer.answer  # as the chain wrote it, each marker written out
    for sentence, following in zip(answer.sentences, [*answer.sentences[1:], None], strict=True):
        run_goes_on = (
            following is not None and following.markers == sentence.markers
            and f"{sentence.written} {following.written}" in answer.answer
        )  # fmt: skip
        references = "; ".join(_full_reference(by_marker[m]) for m in sentence.markers)
        # Consecutive sentences of one paragraph on one line are referenced once, after the last of them.
        text = text.replace(sentence.written, sentence.text if run_goes_on else f"{sentence.text} ({references})", 1)
    markings = sorted({m for c in answer.citations if (m := _marking(c.document))})
    # A note that quotes a restricted document carries its marking, so pasting does not drop it.
    return f"{text}\n[Contains text marked {', '.join(markings)}.]" if markings else text


def _marking(document) -> str | None:
    return " / ".join(filter(None, [document.distribution_marking, document.eeas_distribution_marking])) or None


def _full_reference(citation: Citation) -> str:
    document = citation.document
    shown = f"¶{citation.para_id}" if citation.para_id.isdigit() else citation.para_id
    return ", ".join(filter(None, [document.title, document.council_reference or document.eeas_reference, shown]))
