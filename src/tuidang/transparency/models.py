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


class SequencedBatch(models.Model):
    """A single row (pk=1): the last publication batch cut by the sequencer.

    Written in the transaction that gives the batch's entries their indices
    (`registry.log_batches.cut`), with the counters read in that transaction:
    they are exactly the totals of the log at `tree_size`. The sequencer then
    appends the entries to the tiles and publishes these totals with the
    checkpoint of that size (a crash in between: the next pass completes it).
    `slot` is the start of the schedule's slot in which the batch was cut
    (`transparency.schedule`), never a finer time."""

    tree_size = models.BigIntegerField()
    totals = models.JSONField(help_text="tuidang-totals-v1 at tree_size")
    slot = models.DateTimeField()

    def __str__(self) -> str:
        return f"batch up to tree size {self.tree_size}"
