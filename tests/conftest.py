"""Shared fixtures: the real embedding model (loaded once) and throwaway index settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.embedding import SentenceTransformerEncoder, load_query_encoder
from rag.settings import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "data" / "docs"
ALBANIA = CORPUS / "eu-albania-security-defence-partnership-2024.txt"
WESTERN_BALKANS = CORPUS / "eeas-western-balkans-cfsp-csdp.txt"


@pytest.fixture(scope="session")
def embed_model():
    """The encoder ingest uses (sentence-transformers)."""
    return SentenceTransformerEncoder(Settings())


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the corpus that a test may edit."""
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", corpus_dir=corpus_copy)


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory, embed_model) -> Settings:
    """The real corpus indexed once per test session, for tests that only read."""
    from ingest.indexer import ingest

    settings = Settings(index_dir=tmp_path_factory.mktemp("corpus-index"), corpus_dir=CORPUS)
    ingest([CORPUS], settings, lambda: embed_model)
    return settings


@pytest.fixture(scope="session")
def bundled_llm(corpus_settings: Settings):
    from rag.llm import create_llm

    return create_llm(corpus_settings.model_copy(update={"llm_backend": "llamacpp"}))


@pytest.fixture(scope="session")
def chain(corpus_settings: Settings, embed_model, bundled_llm):
    from rag.chain import AnswerChain
    from rag.index_store import ParagraphIndex

    return AnswerChain(
        corpus_settings, ParagraphIndex.open(corpus_settings), load_query_encoder(corpus_settings), bundled_llm
    )
