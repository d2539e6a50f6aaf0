"""Ingest and search through a real `chroma run` server on 127.0.0.1 (RAG_CHROMA_URL)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.indexer import ingest
from rag.index_store import ParagraphIndex
from rag.search import search
from rag.settings import Settings

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    assert CHROMA, "the chroma CLI is installed with chromadb"
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    process = subprocess.Popen(
        [CHROMA, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "chroma.log").read_text()
            assert time.monotonic() < deadline, "chroma server did not start within 60 s"
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_ingest_and_search_through_a_chroma_server(chroma_server: str, settings: Settings, embed_model) -> None:
    remote = settings.model_copy(update={"chroma_url": chroma_server})
    report = ingest([remote.corpus_dir], remote, lambda: embed_model)
    assert report.total == 41
    assert not (remote.index_dir / "chroma").exists(), "nothing is written to the local database"

    index = ParagraphIndex.open(remote)
    hits = search(index, embed_model, "cyber", 2)
    assert {hit.record.key for hit in hits} == {"eu-albania-sdp#18", "eu-albania-sdp#19"}
    assert len(index.records()) == 41

    again = ingest([remote.corpus_dir], remote, lambda: embed_model)
    assert again.embedded == 0 and again.unchanged == 41
