"""The project's exception types. Each message says what went wrong and which setting, flag or file; the
CLI and the UI turn them into one line, once, at their edge (CLI exit code 2 for usage and settings,
1 for everything that went wrong at run time)."""

from __future__ import annotations

from pathlib import Path


class RagError(Exception):
    exit_code = 1


class UsageError(RagError):
    """A setting or flag that cannot work: found before any work starts."""

    exit_code = 2


class AccessError(RagError):
    """A reader who is not (or no longer) allowed in."""


class IndexMissingError(RagError):
    """No index has been built yet for these settings."""


class IndexUnavailableError(RagError):
    """The index exists but cannot be reached now (a Chroma server that is down)."""


class IndexModelMismatchError(RagError):
    """The index was embedded by another model than the one configured: its vectors cannot be compared."""


class DraftError(RagError):
    """A draft that cannot be checked (empty, binary, too long)."""


class ReadError(Exception):
    """A reader cannot turn a file into text; the message completes "<file> …" and says what to do."""


class DocumentError(RagError):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IngestFailedError(RagError):
    """Nothing could be ingested; the previous index is unchanged."""

    def __init__(self, errors: list[DocumentError]) -> None:
        super().__init__("; ".join(f"{e} (nothing ingested; the previous index is unchanged)" for e in errors))
        self.errors = errors
