"""The published totals: the registry's counters as they were at the tree size
of the latest checkpoint, so every published total names a checkpoint it can
be checked against."""

from django.db import models


class PublishedTally(models.Model):
    """A single row (pk=1), replaced by the sequencer after each checkpoint."""

    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=44, help_text="base64, as in the checkpoint")
    checkpoint = models.TextField(help_text="the signed checkpoint note")
    totals = models.JSONField(help_text="tuidang-totals-v1 (docs/log-format.md)")

    def __str__(self) -> str:
        return f"totals at tree size {self.tree_size}"
