"""Retrieval and answering over paragraph records."""
