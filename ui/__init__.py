"""Gradio chat over the answer chain."""
