"""Readers turn each supported format into the one text convention the paragraph parser reads."""
