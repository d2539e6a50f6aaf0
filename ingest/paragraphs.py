"""Split a policy document's text into paragraphs with their printed numbers and section paths.

Written by hand because no library does this: generic splitters (llama-index's SentenceSplitter,
unstructured, markdown parsers) cut by size or by blank lines, so they split ¶18 at its page break,
merge ¶1–¶4 (which share no blank line), lose the printed number and cannot tell a plain-text
heading from a one-line paragraph. The rules, in order of precedence:

1. The body starts at the first markdown heading or numbered paragraph; what precedes it is front
   matter (cover note, header tables) and is handed back untouched for the metadata reader.
2. A line "N. text" opens numbered paragraph N.
3. Headings come in three forms: markdown (`### Title`), bold-only (`**Title**`) and plain short
   lines with no closing punctuation that stand alone between blank lines. Markdown headings carry
   their level; a bold or plain heading takes the level of the last heading written in the same
   style (bold main sections, plain subsections), so the converter's mixed forms nest correctly.
   A line followed by text starting in lower case is not a heading but a sentence cut by a page
   break. A bracketed heading (`[Preface]`) is an editor's placeholder: it names the text under it but
   is never the parent of a later heading.
4. Unnumbered text after a numbered paragraph belongs to it until the next number or heading:
   page breaks split paragraphs and bullet lists continue their lead-in sentence. In documents
   without numbers, a blank line ends a paragraph unless the text before it stops mid-sentence.
5. Redaction and end markers ("DELETED", "(End)") and a trailing line with no text after it (an
   image caption on a scraped web page) are not content; they are reported as skipped spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rag.records import SkippedSpan

PARSER_VERSION = "2"  # raise when a change alters the records parsed from the same text; the index records it
HeadingStyle = Literal["markdown", "bold", "plain", "placeholder"]

NUMBERED = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
BOLD_ONLY = re.compile(r"^(?:\*{2,3}|__|<b>)(.+?)(?:\*{2,3}|__|</b>)$")
BULLET = re.compile(r"^(?:[-*+]\s+)?[◇◆•▪‣●○]\s*|^[-*+]\s+")
NON_CONTENT_LINES = {
    "deleted": "redaction marker",
    "[deleted]": "redaction marker",
    "(end)": "end-of-document marker",
}
SENTENCE_END = (".", "!", "?", ";", ":", '"', "”", "’")
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 15


@dataclass(frozen=True)
class SourceLine:
    text: str
    start: int
    end: int

    @property
    def clean(self) -> str:
        return self.text.replace("\u00a0", " ").strip()


@dataclass
class Heading:
    title: str
    level: int
    style: HeadingStyle
    explicit_level: bool


@dataclass
class RawParagraph:
    number: int | None
    section: list[str]
    text: str
    char_start: int
    char_end: int


@dataclass
class ParsedText:
    front_matter: list[SourceLine]
    paragraphs: list[RawParagraph]
    skipped: list[SkippedSpan] = field(default_factory=list)


def split_lines(source: str) -> list[SourceLine]:
    lines, offset = [], 0
    for raw in source.splitlines(keepends=True):
        text = raw.rstrip("\r\n")
        lines.append(SourceLine(text, offset, offset + len(text)))
        offset += len(raw)
    return lines


def strip_emphasis(text: str) -> str:
    text = re.sub(r"</?(?:b|i|strong|em)>", "", text)
    return text.replace("**", "").replace("__", "").strip("* ").strip()


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


def _is_plain_heading(text: str) -> bool:
    return (
        len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and (text[0].isupper() or text[0] == "[")
        and not text.endswith((".", ",", ";", ":", "!", "?"))
        and not NUMBERED.match(text)
        and not BULLET.match(text)
    )


def _is_caption(paragraph: RawParagraph) -> bool:
    """A last, short, unnumbered line that is not a sentence: alt text left by a web scrape."""
    return (
        paragraph.number is None
        and "\n" not in paragraph.text
        and len(paragraph.text.split()) <= MAX_HEADING_WORDS
        and not ends_sentence(paragraph.text)
    )


def _next_text(lines: list[SourceLine], index: int) -> str:
    return next((line.clean for line in lines[index + 1 :] if line.clean), "")


def _body_start(lines: list[SourceLine]) -> int:
    for index, line in enumerate(lines):
        if MARKDOWN_HEADING.match(line.clean) or NUMBERED.match(line.clean):
            return index
    return 0


class _SectionTracker:
    """Keeps the open headings and infers the level of headings that were written without one."""

    def __init__(self) -> None:
        self.stack: list[Heading] = []
        self.history: list[Heading] = []

    def push(self, title: str, style: HeadingStyle, markdown_level: int | None) -> None:
        placeholder = title.startswith("[") and title.endswith("]")
        if placeholder:
            title, style = title[1:-1].strip(), "placeholder"
        level = markdown_level or self._inferred_level(style)
        heading = Heading(title, level, style, markdown_level is not None)
        while self.stack and (self.stack[-1].style == "placeholder" or self.stack[-1].level >= level):
            self.stack.pop()
        self.stack.append(heading)
        self.history.append(heading)

    def _inferred_level(self, style: HeadingStyle) -> int:
        for earlier in reversed(self.history):
            if earlier.style == style:
                return earlier.level
        levels = [h.level for h in self.history if h.style != "placeholder"]
        if style == "bold" and levels:
            return min(levels)
        return self.stack[-1].level if self.stack else 1

    @property
    def path(self) -> list[str]:
        return [heading.title for heading in self.stack]


def _heading_of(line: SourceLine, standalone: bool) -> tuple[str, HeadingStyle, int | None] | None:
    text = line.clean
    if match := MARKDOWN_HEADING.match(text):
        inner = match.group(2).strip()
        style: HeadingStyle = "bold" if BOLD_ONLY.match(inner) else "plain"
        return strip_emphasis(inner), style, len(match.group(1))
    if not standalone:
        return None
    if match := BOLD_ONLY.match(text):
        inner = strip_emphasis(match.group(1))
        return (inner, "bold", None) if inner and _is_plain_heading(inner) else None
    if _is_plain_heading(text):
        return text, "plain", None
    return None


def parse_paragraphs(source: str, front_matter: bool = True) -> ParsedText:
    """Split `source` into front matter and paragraphs; see the module docstring for the rules. Without
    `front_matter` (a web page's article) the body starts at the first line."""
    lines = split_lines(source)
    start = _body_start(lines) if front_matter else 0
    body = lines[start:]
    numbered_document = any(NUMBERED.match(line.clean) for line in body)
    sections = _SectionTracker()
    paragraphs: list[RawParagraph] = []
    skipped: list[SkippedSpan] = []
    open_parts: list[str] = []
    open_number: int | None = None
    open_span: list[int] = [0, 0]
    trailing_heading: SourceLine | None = None

    def flush() -> None:
        nonlocal open_parts, open_number
        if open_parts:
            text = "".join(open_parts).strip()
            paragraphs.append(RawParagraph(open_number, sections.path, text, open_span[0], open_span[1]))
        open_parts, open_number = [], None

    def open_paragraph(line: SourceLine, number: int | None, text: str) -> None:
        nonlocal open_number, trailing_heading
        flush()
        open_parts.append(text)
        open_number = number
        open_span[:] = [line.start, line.end]
        trailing_heading = None

    for index, line in enumerate(body):
        text = line.clean
        if not text:
            continue
        previous_blank = index == 0 or not body[index - 1].clean
        next_blank = index + 1 == len(body) or not body[index + 1].clean
        if reason := NON_CONTENT_LINES.get(text.lower()):
            skipped.append(SkippedSpan(char_start=line.start, char_end=line.end, text=text, reason=reason))
            continue
        if match := NUMBERED.match(text):
            open_paragraph(line, int(match.group(1)), match.group(2))
            continue
        mid_sentence = bool(open_parts) and not ends_sentence(open_parts[-1])
        followed_by_continuation = _next_text(body, index)[:1].islower()
        standalone = previous_blank and next_blank and not mid_sentence and not followed_by_continuation
        heading = _heading_of(line, standalone)
        if heading is not None:
            flush()
            sections.push(*heading)
            trailing_heading = line if heading[1] == "plain" and heading[2] is None else None
            continue
        bullet = BULLET.match(text)
        piece = "\n- " + text[bullet.end() :] if bullet else " " + text
        continues = bool(open_parts) and (
            not previous_blank or (numbered_document and open_number is not None) or mid_sentence
        )
        if continues:
            open_parts.append(piece)
            open_span[1] = line.end
        else:
            open_paragraph(line, None, piece.lstrip())
    flush()
    if trailing_heading is None and paragraphs and _is_caption(paragraphs[-1]):
        last = paragraphs.pop()
        trailing_heading = SourceLine(last.text, last.char_start, last.char_end)
    if trailing_heading is not None:
        skipped.append(
            SkippedSpan(
                char_start=trailing_heading.start,
                char_end=trailing_heading.end,
                text=trailing_heading.clean,
                reason="trailing line with no text after it (image caption)",
            )
        )
    return ParsedText(front_matter=lines[:start], paragraphs=paragraphs, skipped=skipped)
