"""The record of each imported batch: its id makes a batch idempotent (the same
file imported twice changes nothing) and its digest tells a re-sent file from a
different one that reuses the id. Written in the batch's own transaction."""

from django.db import models


class ImportBatch(models.Model):
    batch_id = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64, help_text="Digest of the imported file.")
    day = models.DateField(help_text="Day of the import (UTC).")
    rows = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    already_present = models.PositiveIntegerField(
        default=0, help_text="Rows whose key an earlier batch had already imported."
    )
    persons = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"batch {self.batch_id}: {self.accepted} accepted"
