"""Load the embedding model from an installed package, never from the network."""

from __future__ import annotations

import os

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.settings import Settings, embedding_model_dir


def embed_passages(embed: BaseEmbedding, texts: list[str]) -> list[list[float]]:
    """All passages in one call: sentence-transformers then sorts the whole set by length before batching, so
    short paragraphs do not wait for padding to the longest of a fixed slice (llama-index's batch method
    cuts the list into slices of embed_batch_size first, which halves ingest speed)."""
    return embed._get_text_embeddings(texts) if texts else []


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
