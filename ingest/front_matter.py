"""Read a Council/EEAS cover note and header table into document metadata and one readable text.

Hand-written because the header is a converter's mix of bold lines, tab-separated HTML cells and
free lines; the rules are keyed on the conventions of EU Council documents (a "Brussels, <date>"
line, a "NNNNN/YY" reference, a marking such as LIMITE, From/To/Subject rows), not on one file.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ingest.paragraphs import SourceLine, strip_emphasis

COUNCIL_MARKINGS = ("LIMITE", "RESTREINT UE/EU RESTRICTED", "CONFIDENTIEL UE/EU CONFIDENTIAL", "SECRET UE/EU SECRET")
PLACE_DATE = re.compile(r"^[A-Z][a-zA-Z]+,\s+(\d{1,2} [A-Z][a-z]+ \d{4})$")
COUNCIL_REFERENCE = re.compile(r"^\d{3,5}/\d{2}(?: [A-Z]{2,4} \d+)?$")
FILE_CODE = re.compile(r"^[A-Z][A-Z/ ]*[A-Z] \d+$")
EEAS_REFERENCE = re.compile(r"EEAS\(\d{4}\) ?\d+")
TABLE_FIELDS = {
    "eeas reference": "eeas_reference",
    "distribution marking": "eeas_distribution_marking",
    "to": "recipients",
    "title / subject": "subject",
    "reference of previous documents": "previous_reference",
    "from": "sender",
    "subject": "subject",
}
NOISE = {"deleted", "(or. en)", "cover note"}


def _cells(line: str) -> list[str]:
    return [strip_emphasis(cell) for cell in line.split("\t") if strip_emphasis(cell)]


def read_front_matter(lines: list[SourceLine]) -> tuple[dict[str, Any], str]:
    """Return (metadata fields for DocumentMeta, cover-note text for one searchable record)."""
    meta: dict[str, Any] = {}
    file_codes: list[str] = []
    readable: list[str] = []
    for line in lines:
        text = strip_emphasis(line.clean.rstrip(":"))
        if not text or text.lower() in NOISE:
            continue
        cells = _cells(line.clean)
        if len(cells) >= 2 and all(FILE_CODE.match(cell) for cell in cells):
            file_codes.extend(cells)
            continue
        if len(cells) == 2 and (field := TABLE_FIELDS.get(cells[0].rstrip(":").lower())):
            meta.setdefault(field, cells[1])
            readable.append(f"{cells[0].rstrip(':')}: {cells[1]}")
            continue
        if match := PLACE_DATE.match(text):
            meta.setdefault("date", datetime.strptime(match.group(1), "%d %B %Y").date().isoformat())
        elif COUNCIL_REFERENCE.match(text):
            meta.setdefault("council_reference", text)
        elif text.upper() in COUNCIL_MARKINGS and text.isupper():
            meta.setdefault("distribution_marking", text)
        elif "ACCESSIBLE TO THE PUBLIC" in text.upper():
            meta.setdefault("public_access_note", text)
        elif match := EEAS_REFERENCE.fullmatch(text):
            meta.setdefault("eeas_reference", match.group(0))
        readable.append(text)
    if file_codes:
        meta["file_codes"] = file_codes
    return meta, "\n".join(readable)
