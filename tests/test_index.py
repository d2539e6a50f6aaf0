"""Real Chroma, real embeddings: search quality, incremental re-ingest, and atomic failure."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from ingest.indexer import ingest
from rag.index_store import ParagraphIndex, active_generation, open_chroma
from rag.search import search
from rag.settings import Settings

ALBANIA_FILE = "eu-albania-security-defence-partnership-2024.txt"


@pytest.fixture
def built(settings: Settings, embed_model) -> Settings:
    report = ingest([settings.corpus_dir], settings, lambda: embed_model)
    assert (report.added, report.embedded, report.total) == (41, 41, 41)
    return settings


def _keys(settings: Settings, embed_model, query: str, k: int = 5, doc_id: str | None = None) -> list[str]:
    return [hit.record.key for hit in search(ParagraphIndex.open(settings), embed_model, query, k, doc_id)]


def test_cyber_ranks_albania_paragraphs_18_and_19_first(built: Settings, embed_model) -> None:
    assert _keys(built, embed_model, "cyber")[:2] in (
        ["eu-albania-sdp#18", "eu-albania-sdp#19"],
        ["eu-albania-sdp#19", "eu-albania-sdp#18"],
    )


def test_search_filters_by_document_and_stores_every_field(built: Settings, embed_model) -> None:
    keys = _keys(built, embed_model, "CSDP missions", k=3, doc_id="eeas-wb-cfsp-csdp")
    assert len(keys) == 3 and all(key.startswith("eeas-wb-cfsp-csdp#") for key in keys)
    records = {r.key: r for r in ParagraphIndex.open(built).records()}
    paragraph = records["eu-albania-sdp#18"]
    assert paragraph.section == ["Areas of Cooperation", "Cyber issues"]
    assert paragraph.document.distribution_marking == "LIMITE"
    assert paragraph.document.council_reference == "15047/24"
    assert paragraph.token_count > 50


def test_reingest_embeds_only_what_changed(built: Settings, embed_model) -> None:
    loads = []

    def counting_loader():
        loads.append(1)
        return embed_model

    unchanged = ingest([built.corpus_dir], built, counting_loader)
    assert (unchanged.embedded, unchanged.unchanged, loads) == (0, 41, [])
    assert "nothing to embed" in unchanged.summary()

    path = built.corpus_dir / ALBANIA_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("where relevant.", "where relevant and requested."), encoding="utf-8")
    edited = ingest([built.corpus_dir], built, counting_loader)
    assert (edited.embedded, edited.updated, edited.added, edited.removed, edited.unchanged) == (1, 1, 0, 0, 40)
    records = {r.key: r for r in ParagraphIndex.open(built).records()}
    assert records["eu-albania-sdp#19"].text.endswith("where relevant and requested.")

    path.write_text(text.replace("33. The content of the Security", "The content of the Security"), encoding="utf-8")
    shrunk = ingest([built.corpus_dir], built, counting_loader)
    # ¶33 loses its number and joins ¶32; ¶19 goes back to the original text.
    assert (shrunk.removed, shrunk.updated, shrunk.embedded) == (1, 2, 2)


def test_removed_file_leaves_the_index_but_other_paths_do_not_drop_the_corpus(built: Settings, embed_model) -> None:
    extra = built.corpus_dir.parent / "note.txt"
    extra.write_text("1. A separate note about maritime security.\n", encoding="utf-8")
    report = ingest([extra], built, lambda: embed_model)
    assert (report.added, report.total) == (1, 42)
    (built.corpus_dir / ALBANIA_FILE).unlink()
    report = ingest([built.corpus_dir], built, lambda: embed_model)
    assert (report.removed, report.total) == (34, 8)
    assert report.documents == ["eeas-wb-cfsp-csdp", "note"]


class _FailingEmbedding:
    def encode(self, texts):
        raise RuntimeError("embedding backend crashed midway")


def test_failed_ingest_leaves_previous_index_intact_and_searchable(built: Settings, embed_model, monkeypatch) -> None:
    client = open_chroma(built)
    before = active_generation(client, built)
    path = built.corpus_dir / ALBANIA_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("cyber resilience", "digital resilience"), "utf-8")

    with pytest.raises(RuntimeError, match="crashed midway"):
        ingest([built.corpus_dir], built, _FailingEmbedding)
    assert active_generation(client, built) == before

    import rag.index_store as index_store

    def broken_bm25(*args, **kwargs):
        raise OSError("disk full while writing BM25")

    monkeypatch.setattr(index_store, "write_generation_files", broken_bm25)
    with pytest.raises(OSError, match="disk full"):
        ingest([built.corpus_dir], built, lambda: embed_model)
    assert active_generation(client, built) == before
    names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    assert names == {built.collection, before}, "the half-built generation is removed"
    assert _keys(built, embed_model, "cyber")[:2] in (
        ["eu-albania-sdp#18", "eu-albania-sdp#19"],
        ["eu-albania-sdp#19", "eu-albania-sdp#18"],
    )
    records = {r.key: r for r in ParagraphIndex.open(built).records()}
    assert "cyber resilience" in records["eu-albania-sdp#19"].text


def test_index_missing_gives_a_clear_message(tmp_path: Path) -> None:
    from rag.errors import IndexMissingError

    with pytest.raises(IndexMissingError, match="run `rag ingest` first"):
        ParagraphIndex.open(Settings(index_dir=tmp_path / "none"))
    assert not (tmp_path / "none").exists(), "opening for reading creates nothing"


class _RandomUnitVectors:
    """Stands in for the model where only the number of paragraphs matters (not their meaning)."""

    def encode(self, texts):
        vectors = np.random.default_rng(0).normal(size=(len(texts), 384)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_corpus_larger_than_one_chroma_write_is_indexed_whole(tmp_path) -> None:
    """Chroma takes at most a few thousand records per write; ingest writes in batches."""
    folder = tmp_path / "big"
    folder.mkdir()
    for annex in range(1, 8):  # 7 × 900 paragraphs
        lines = [f"{n}. Paragraph {n} of annex {annex} on maritime security." for n in range(1, 901)]
        (folder / f"annex{annex}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=folder, manifest=tmp_path / "none.toml")
    report = ingest([folder], settings, _RandomUnitVectors)
    assert report.total == report.embedded == 6300
    index = ParagraphIndex.open(settings)
    assert index.collection.count() == 6300 and len(index.records()) == 6300


def test_an_index_written_before_a_code_change_is_read_as_the_new_code_reads_it(built: Settings, embed_model) -> None:
    # The stored corpus holds the records; what is derived from them (stems, sentences, document nouns) is
    # rebuilt on load, so an older pickle with stale derived fields gives the current reading.
    folder = built.generations_dir / active_generation(open_chroma(built), built)
    stored = folder / "corpus.pickle"
    corpus = pickle.loads(stored.read_bytes())
    corpus.document_nouns = frozenset()
    stored.write_bytes(pickle.dumps(corpus))
    assert "text" in ParagraphIndex.open(built).corpus.document_nouns  # "the partnership text" names a document
