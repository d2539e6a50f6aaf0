"""Load the embedding model from an installed package, never from the network."""

from __future__ import annotations

import os

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.settings import Settings, embedding_model_dir


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
