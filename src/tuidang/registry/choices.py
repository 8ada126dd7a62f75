"""The fixed vocabularies of a declaration: channels, statuses, naming, sectors, ranks.

Codes are stable (they go into the public log); labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
    HOTLINE = "hotline", _("Hotline")
    OUTBOUND_CALL = "outbound_call", _("Outbound call")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")
    BANKNOTE_POSTER = "banknote_poster", _("Banknote or poster")
    IMPORT = "import", _("Partner import")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting review")
    ACCEPTED = "accepted", _("Accepted and counted")
    REJECTED = "rejected", _("Not accepted")
    REVOKED = "revoked", _("Revoked")


class RevokeReason(models.TextChoices):
    RETRACTED = "retracted", _("Retracted by the declarant")
    DUPLICATE = "duplicate", _("Duplicate of another declaration")
    FRAUDULENT = "fraudulent", _("Fraudulent")
    ERROR = "error", _("Entered in error")


class RejectReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_A_WITHDRAWAL = "not_withdrawal", _("Not a withdrawal")
    ABUSE = "abuse", _("Abuse")
    UNREADABLE = "unreadable", _("Unreadable")
    OTHER = "other", _("Other (see note)")


class StatementState(models.TextChoices):
    """Whether a declaration's statement text is shown to the public."""

    PENDING = "pending", _("Awaiting review")
    FLAGGED = "flagged", _("Held: may identify someone")
    PUBLISHED = "published", _("Published")
    WITHHELD = "withheld", _("Not published")


class Naming(models.TextChoices):
    """How one person is named in public."""

    TRUE_NAME = "true_name", _("True name")
    ALIAS = "alias", _("Chosen alias")
    GENERATED_ALIAS = "generated_alias", _("Alias made by the system")


ALIAS_NAMINGS = (Naming.ALIAS, Naming.GENERATED_ALIAS)


class Sector(models.TextChoices):
    POLICE = "police", _("Police")
    MILITARY = "military", _("Military")
    GOVERNMENT = "government", _("Government")
    POLITICAL_LEGAL = "political_legal", _("Political-legal committee")
    STATE_SECURITY = "state_security", _("State security / 610 Office")
    PRISON = "prison", _("Prison or labour camp")
    EDUCATION = "education", _("Education")
    ENTERPRISE = "enterprise", _("Enterprise")
    HEALTH = "health", _("Health")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class Rank(models.TextChoices):
    RANK_AND_FILE = "rank_and_file", _("Rank and file")
    MIDDLE = "middle", _("Middle rank")
    HIGH = "high", _("High rank")


class ProxyRelationship(models.TextChoices):
    RELATIVES = "relatives", _("Relatives")
    COLLEAGUES = "colleagues", _("Colleagues")
    FRIENDS = "friends", _("Friends")
    OTHER = "other", _("Other")
