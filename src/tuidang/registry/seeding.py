"""The first configuration of organisations and named milestone thresholds,
taken from the settings TUIDANG_ORGANISATIONS and TUIDANG_MILESTONES_NAMED.
After that they live in the database and administrators change them in the
console; the settings are read only to seed an empty table.

The functions take the model classes so that the data migration can pass its
historical models."""

from django.conf import settings

# Names of the codes of the default setting; any other code starts with its code
# as its name until an administrator renames it.
INITIAL_NAMES = {
    "party": ("Chinese Communist Party", "中国共产党"),
    "league": ("Communist Youth League", "共青团"),
    "pioneers": ("Young Pioneers", "少先队"),
}


def seed_organisations(model, using: str = "default") -> int:
    """Create the organisations of TUIDANG_ORGANISATIONS if there are none yet
    (organisations are never deleted, so an empty table was never configured);
    returns how many were created."""
    if model.objects.using(using).exists():
        return 0
    rows = []
    for position, code in enumerate(dict.fromkeys(settings.TUIDANG_ORGANISATIONS)):
        name_en, name_zh_hans = INITIAL_NAMES.get(code, (code, code))
        rows.append(model(code=code, name_en=name_en, name_zh_hans=name_zh_hans, position=position))
    model.objects.using(using).bulk_create(rows)
    return len(rows)


def seed_thresholds(model, using: str = "default") -> int:
    """Create the thresholds of TUIDANG_MILESTONES_NAMED (once, by the migration:
    an empty table may be an administrator's choice)."""
    values = sorted({value for value in settings.TUIDANG_MILESTONES_NAMED if value >= 1})
    rows = [model(value=value) for value in values]
    model.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    return len(values)
