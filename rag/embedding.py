"""Load the embedding model from an installed package, never from the network."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.settings import Settings


def embedding_model_dir(name: str) -> Path:
    """A folder path is used as is; a package name resolves to the `model/` folder it ships."""
    path = Path(name)
    if path.is_dir():
        return path
    spec = importlib.util.find_spec(name.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"embedding model '{name}' is neither a folder nor an installed package (RAG_EMBED_MODEL)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "modules.json").exists():
        raise RuntimeError(f"package '{name}' has no sentence-transformers folder at {folder} (RAG_EMBED_MODEL)")
    return folder


def load_embedding(settings: Settings) -> BaseEmbedding:
    # Offline flags are set here, not at import, so importing the package never touches the model.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # the "Loading weights" bar is noise on every command

    return HuggingFaceEmbedding(
        model_name=str(embedding_model_dir(settings.embed_model)),
        device="cpu",
        embed_batch_size=settings.embed_batch_size,
    )
