"""Bulk import of partner centres' batches (CSV, JSON Lines) through the one
intake path: `tuidang import FILE` (docs/import.md)."""
