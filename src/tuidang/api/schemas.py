"""Request and response bodies of the JSON API."""

from typing import Literal

from ninja import Field, Schema

from tuidang.registry.models import ALIAS_MAX, CONTACT_MAX, NAME_MAX, STATEMENT_MAX

NamingCode = Literal["true_name", "alias", "generated_alias"]


class PersonIn(Schema):
    naming: NamingCode = Field(description="How this person is named in public.")
    true_name: str = Field(
        "", max_length=NAME_MAX, description="Sealed; public only if naming is true_name."
    )
    alias: str = Field("", max_length=ALIAS_MAX, description="Used when naming is alias.")


class DeclarationIn(Schema):
    organisations: list[str] = Field(
        ..., min_length=1, max_length=20, examples=[["party", "league"]]
    )
    people: list[PersonIn] = Field(default_factory=list, max_length=200)
    unnamed_persons: int = Field(0, ge=0, le=10_000, description="Persons only counted, not named.")
    by_proxy: bool = False
    proxy_relationship: Literal["", "relatives", "colleagues", "friends", "other"] = ""
    contact: str = Field("", max_length=CONTACT_MAX, description="Sealed; never published.")
    country: str = Field("CN", min_length=2, max_length=2, description="ISO 3166-1 alpha-2.")
    province: str = Field("", max_length=6, description="ISO 3166-2:CN, China only.")
    sector: str = Field("", max_length=20)
    rank: str = Field("", max_length=16)
    statement: str = Field("", max_length=STATEMENT_MAX)


class PublicNameOut(Schema):
    name: str
    latin: str
    naming: NamingCode


class ReceiptOut(Schema):
    receipt_code: str | None = Field(
        description="Give it to the declarant. A repeat of an earlier request with the "
        "same Idempotency-Key returns the same code (null only for declarations stored "
        "before codes were kept sealed under the key)."
    )
    status: str
    persons: int
    public_names: list[PublicNameOut]
    replayed: bool


class ErrorOut(Schema):
    error: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


class TotalsOut(Schema):
    """tuidang-totals-v1 (docs/log-format.md)."""

    format: str
    entries: int
    declarations: int
    revocations: int
    persons: int
    by_organisation: dict[str, int]
    by_day: dict[str, int]
    by_channel: dict[str, int]
    by_country: dict[str, int]
    by_province: dict[str, int]
    by_filer: dict[str, int]
    by_naming: dict[str, int]


class TallyOut(Schema):
    tree_size: int = Field(description="The log size these totals were computed at.")
    root_hash: str = Field(description="The tree's root hash at that size (base64).")
    checkpoint: str | None = Field(description="The signed checkpoint of that size.")
    totals: TotalsOut


class ProofOfWorkOut(Schema):
    """An optional proof-of-work challenge (THREAT_MODEL.md C35)."""

    enabled: bool = Field(description="false: proofs are not checked; every declaration counts.")
    bits: int = Field(
        description="Find a decimal counter such that SHA-256(challenge followed by the "
        "counter, as ASCII) begins with this many zero bits."
    )
    challenge: str | None = Field(
        description="Signed, single use, valid for about an hour; null when not enabled. "
        "Send `Proof-Of-Work: <challenge>:<counter>` with POST /declarations; without a "
        "valid proof the declaration is still recorded, but reviewed after all others."
    )
