"""Registry models. A `Declaration` is one statement by one person, or one group or
proxy statement for N persons; its `Person` rows are the persons who are named in
public (the rest are only counted). Nothing here records a time of day, an
address or a user agent; identities and contacts are stored only sealed.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from tuidang.registry import organisations
from tuidang.registry.choices import (
    Channel,
    Naming,
    ProxyRelationship,
    Rank,
    RejectReason,
    RevokeReason,
    Sector,
    StatementState,
    Status,
)

NAME_MAX = 64
ORGANISATION_CODE_MAX = 32
# The code grammar of the log's entries (docs/log-format.md): [a-z][a-z0-9_]*.
ORGANISATION_CODE = r"^[a-z][a-z0-9_]*\Z"
ORGANISATION_NAME_MAX = 100
ALIAS_MAX = 32
STATEMENT_MAX = 5000
CONTACT_MAX = 500


class Group(models.Model):
    """Several declarations made together (e.g. eight officials who decided in a
    meeting to quit together). `label` is public: it must not identify anyone."""

    label = models.CharField(max_length=120)
    day = models.DateField()

    def __str__(self) -> str:
        return self.label


class Declaration(models.Model):
    receipt_hash = models.CharField(max_length=64, unique=True)
    # The public log's commitment to the receipt (another domain-separated hash).
    receipt_commitment = models.CharField(max_length=64)
    # Hash of the client's idempotency key (form token or API header), if any.
    idempotency_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # The receipt code, encrypted under a key derived from that idempotency key
    # (which only the client holds), so that a retry with the key gets the same
    # code back; null without a key, and for batch imports
    # (registry/intake.py, `seal_receipt_code`).
    sealed_receipt_code = models.BinaryField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    revoke_reason = models.CharField(max_length=16, choices=RevokeReason.choices, blank=True)
    reject_reason = models.CharField(max_length=16, choices=RejectReason.choices, blank=True)
    reject_note = models.CharField(max_length=200, blank=True)
    day = models.DateField(help_text="Day of the declaration (UTC); never a time of day.")
    organisations = models.CharField(max_length=200, help_text="See organisations.encode().")
    persons = models.PositiveIntegerField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    by_proxy = models.BooleanField(default=False)
    proxy_relationship = models.CharField(
        max_length=16, choices=ProxyRelationship.choices, blank=True
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    country = models.CharField(max_length=2)
    province = models.CharField(max_length=6, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    rank = models.CharField(max_length=16, choices=Rank.choices, blank=True)
    statement = models.TextField(blank=True, max_length=STATEMENT_MAX)
    statement_state = models.CharField(
        max_length=16, choices=StatementState.choices, default=StatementState.PENDING
    )
    sealed_contact = models.BinaryField(null=True, blank=True)
    # Public intake while proof of work is on, without a valid solution
    # (tuidang/web/proof_of_work.py): still recorded, moderated last.
    unproven = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-id"], name="declaration_status_newest"),
            # The published-statements page walks this index newest first.
            models.Index(
                fields=["-id"],
                condition=Q(status="accepted", statement_state="published"),
                name="declaration_published",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(persons__gte=1), name="declaration_persons_positive"
            ),
            models.CheckConstraint(
                condition=~Q(organisations__in=["", ",,"]), name="declaration_has_organisations"
            ),
        ]

    def __str__(self) -> str:
        return f"declaration {self.pk} ({self.status})"

    @property
    def organisation_codes(self) -> list[str]:
        return organisations.decode(self.organisations)

    @property
    def unnamed_persons(self) -> int:
        return self.persons - self.people.count()


class Person(models.Model):
    """A person of a declaration who is named in public, by true name or alias."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="people")
    position = models.PositiveSmallIntegerField()
    naming = models.CharField(max_length=16, choices=Naming.choices)
    public_name = models.CharField(max_length=NAME_MAX, db_index=True)
    public_name_latin = models.CharField(max_length=120, blank=True)
    sealed_identity = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["declaration_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "position"], name="person_position_unique"
            ),
            # A generated alias is never handed out twice.
            models.UniqueConstraint(
                fields=["public_name"],
                condition=Q(naming="generated_alias"),
                name="generated_alias_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name


class Tally(models.Model):
    """One maintained counter: persons (or, for dimension 'declarations', declarations)
    among accepted declarations, for one key of one dimension. Updated only by
    tuidang.registry.tally, in the transaction that changes a status."""

    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=32, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key"], name="tally_dimension_key"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}[{self.key}] = {self.count}"


class Organisation(models.Model):
    """An organisation one can withdraw from, configured by an administrator
    (first seeded from TUIDANG_ORGANISATIONS). Never deleted, only deactivated:
    stored declarations and log entries keep its code, and the log verifies
    against every code ever configured."""

    code = models.CharField(
        max_length=ORGANISATION_CODE_MAX,
        primary_key=True,
        validators=[RegexValidator(ORGANISATION_CODE)],
    )
    name_en = models.CharField(max_length=ORGANISATION_NAME_MAX)
    # Traditional Chinese is derived from it (registry.script.to_traditional).
    name_zh_hans = models.CharField(max_length=ORGANISATION_NAME_MAX)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z][a-z0-9_]*$"), name="organisation_code_grammar"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class MilestoneThreshold(models.Model):
    """A named milestone threshold besides every TUIDANG_MILESTONE_STEP persons
    (first seeded from TUIDANG_MILESTONES_NAMED). Removing one never removes a
    crossed `Milestone`."""

    value = models.BigIntegerField(unique=True)
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["value"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=1), name="milestone_threshold_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}".strip()


class Milestone(models.Model):
    threshold = models.BigIntegerField(unique=True)
    crossed_on = models.DateField()

    class Meta:
        ordering = ["-threshold"]

    def __str__(self) -> str:
        return f"{self.threshold} on {self.crossed_on}"


class PendingEntry(models.Model):
    """An entry of the public log that waits for the next publication batch,
    written in the transaction that accepts or revokes a declaration. When the
    sequencer cuts a batch (`registry.log_batches.cut`), every pending entry
    gets its `LogEntry` index, in random order, and its row is deleted: so the
    log's order says nothing about when within a batch a declaration came.

    `line` is the canonical declare entry; a revoke entry's line names the
    index of the declare entry, which may not exist yet, so it is built at the
    cut from `day` (of the revocation) and the declaration's revoke reason."""

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8)
    line = models.TextField(blank=True)
    day = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"pending {self.kind} of {self.declaration_id}"


class LogEntry(models.Model):
    """One entry of the public log, with its index. Created when the sequencer
    cuts a publication batch (see `PendingEntry`); the database is the source
    of truth for the order (`index`), and the sequencer copies entries into the
    tiles in that order."""

    index = models.BigIntegerField(primary_key=True)
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="log_entries"
    )
    kind = models.CharField(max_length=8)
    line = models.TextField(help_text="The canonical entry (docs/log-format.md), ASCII.")

    class Meta:
        ordering = ["index"]

    def __str__(self) -> str:
        return f"{self.index}: {self.line}"
