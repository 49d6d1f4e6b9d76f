"""Corpora: reading documents from archives and datasets, auditing them, writing the results."""
