"""Documents → paragraph records → Chroma + BM25 index."""
