"""Ingest and search through a real `chroma run` server on 127.0.0.1 (RAG_CHROMA_URL)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.indexer import ingest
from rag.access import Clearance
from rag.index_store import ParagraphIndex
from rag.search import search
from rag.settings import Settings
from tests.servers import free_port, running_server

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent))


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    assert CHROMA, "the chroma CLI is installed with chromadb"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [CHROMA, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, f"{url}/api/v2/heartbeat", tmp_path / "chroma.log"):
        yield url


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


def test_a_server_that_goes_away_mid_session_is_one_error(tmp_path: Path, settings: Settings, embed_model) -> None:
    from rag.chain import AnswerChain
    from rag.errors import IndexUnavailableError

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [CHROMA, "run", "--path", str(tmp_path / "data"), "--host", "127.0.0.1", "--port", str(port)]
    remote = settings.model_copy(update={"chroma_url": url})
    with running_server(command, f"{url}/api/v2/heartbeat", tmp_path / "chroma.log"):
        ingest([remote.corpus_dir], remote, lambda: embed_model)
        chain = AnswerChain(remote, ParagraphIndex.open(remote), embed_model, None)
        assert chain.ask("What does Albania commit to on cyber?").status == "answered"
    with pytest.raises(IndexUnavailableError, match=f"the Chroma server at {url} .* is not answering"):
        chain.ask("What does Albania commit to on hybrid threats?")


def test_the_clearance_filter_holds_through_a_chroma_server(
    chroma_server: str, settings: Settings, embed_model
) -> None:
    """Also for a reader with no local copy of BM25 and the statistics (they are computed from the server)."""
    remote = settings.model_copy(update={"chroma_url": chroma_server})
    ingest([remote.corpus_dir], remote, lambda: embed_model)
    shutil.rmtree(remote.generations_dir)
    public = ParagraphIndex.open(remote, clearance=Clearance.PUBLIC)
    hits = search(public, embed_model, "What does Albania commit to on cyber?", 5)
    assert hits and {h.record.doc_id for h in hits} == {"eeas-wb-cfsp-csdp"}
    assert public.document_ids() == {"eeas-wb-cfsp-csdp"}
    cleared = ParagraphIndex.open(remote, clearance=Clearance.LIMITE)
    assert {h.record.para_id for h in search(cleared, embed_model, "cyber", 2)} == {"18", "19"}
