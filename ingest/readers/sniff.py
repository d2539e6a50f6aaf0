"""What a file really is, from its first bytes, so an extension that lies is caught before a reader runs.

Written by hand: the four signatures needed here (PDF, ZIP-based DOCX, HTML, plain text) are a few
bytes each, and libmagic-based libraries need a system library this project cannot assume.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Literal

Kind = Literal["pdf", "docx", "html", "text", "binary"]
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)


def sniff(path: Path, data: bytes) -> Kind:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "binary"
        except zipfile.BadZipFile:
            return "binary"
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if HTML_START.match(head):
        return "html"
    return "binary" if b"\x00" in data else "text"
