"""Ingest: load article files, clean extraction artefacts, cut passages, segment for search."""
