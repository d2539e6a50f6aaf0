"""Bad files are refused with one line naming the file and the reason, and lose nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.documents import expand_paths, read_source
from ingest.indexer import parse_documents
from rag.errors import DocumentError, IngestFailedError
from rag.settings import Settings


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.md", b"  \n\n  \n", "file is empty"),
        ("binary.txt", b"1. Text\x00\x01\x02 more", "its content is binary data"),
        ("latin1.txt", "1. Défense et sécurité.".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 4)"),
        ("notes.odt", b"PK\x03\x04", "unsupported file type '.odt'"),
    ],
)
def test_unreadable_file_is_named_with_its_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(DocumentError) as caught:
        read_source(path, 10**6)
    assert str(caught.value).startswith(f"{path}: ")
    assert reason in str(caught.value)


def test_missing_path_and_empty_folder_are_reported(tmp_path: Path) -> None:
    (tmp_path / "empty-folder").mkdir()
    files, errors = expand_paths([tmp_path / "nope.txt", tmp_path / "empty-folder"])
    assert files == []
    assert [e.reason for e in errors] == [
        "no such file or folder",
        "folder has no supported files (.txt, .md, .pdf, .docx, .html, .htm)",
    ]


def test_document_without_paragraphs_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "only-marker.txt", b"DELETED\n\n(End)\n")
    documents, errors = parse_documents([path], Settings(index_dir=tmp_path / "index"))
    assert documents == []
    reason = "no recognisable paragraphs (no numbered paragraphs or text blocks found)"
    assert [str(e) for e in errors] == [f"{path}: {reason}"]


def test_two_files_claiming_one_doc_id_are_refused(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.txt", b"1. First paragraph.\n")
    manifest = _write(tmp_path, "manifest.toml", b'["a.txt"]\ndoc_id = "same"\n["b.txt"]\ndoc_id = "same"\n')
    second = _write(tmp_path, "b.txt", b"1. Second paragraph.\n")
    documents, errors = parse_documents([first, second], Settings(index_dir=tmp_path / "i", manifest=manifest))
    assert [d.meta.doc_id for d in documents] == ["same"]
    assert [str(e) for e in errors] == [f"{second}: doc_id 'same' is already used by {first}"]


def test_ingest_of_only_bad_files_fails_before_touching_any_index(tmp_path: Path) -> None:
    from ingest.indexer import ingest

    bad = _write(tmp_path, "empty.txt", b"")
    settings = Settings(index_dir=tmp_path / "index")

    def never_load():
        raise AssertionError("the model must not load for a failed ingest")

    with pytest.raises(IngestFailedError) as caught:
        ingest([bad], settings, never_load)
    assert [str(e) for e in caught.value.errors] == [f"{bad}: file is empty"]
    assert not (tmp_path / "index").exists()
