"""Every word the outputs print, in the show's language: one table per language.

``Labels("de-DE")`` gives the German labels; a language without its own table,
and any label a table lacks, falls back to English.  Adding a language is adding
one module with a ``TABLE`` (see :mod:`podcast.labels.en`, the complete one) and
registering it in :data:`podcast.labels.table.TABLES`.
"""

from podcast.labels.table import TABLES, Labels, primary_language, supported

__all__ = ["TABLES", "Labels", "primary_language", "supported"]
