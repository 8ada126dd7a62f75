"""Synthetic demo declarations, made through the one intake path.

Names come from the alias generator's lists, places are provinces picked at
random, statements are generic sentences: nothing here is a real person."""

import datetime
import random

from django.utils import timezone

from tuidang.registry import aliases, places, transitions
from tuidang.registry.choices import (
    Channel,
    Naming,
    ProxyRelationship,
    Rank,
    RejectReason,
    RevokeReason,
    Sector,
)
from tuidang.registry.intake import DeclarationInput, PersonInput, declare

STATEMENTS = [
    "我声明退出中共及其相关组织，抹去入党时的誓言。",
    "年轻时被迫加入少先队和共青团，今天正式声明退出。",
    "看清了真相，不再为它做事。退出一切组织。",
    "我和家人一起声明退出，愿平安。",
    "在单位开会时大家商量好了，一起退。",
    "聲明退出共青團和少先隊，從此與它無關。",
    "",
    "",
]
CHANNEL_WEIGHTS = {
    Channel.WEB: 50,
    Channel.HOTLINE: 15,
    Channel.OUTBOUND_CALL: 10,
    Channel.API: 5,
    Channel.EMAIL: 5,
    Channel.FAX: 3,
    Channel.IN_PERSON: 3,
    Channel.BANKNOTE_POSTER: 4,
    Channel.IMPORT: 5,
}
ORGANISATION_SETS = [
    ["party"],
    ["league"],
    ["pioneers"],
    ["league", "pioneers"],
    ["party", "league", "pioneers"],
    ["party", "league"],
]


def _person(rng: random.Random) -> PersonInput:
    roll = rng.random()
    if roll < 0.6:
        return PersonInput(Naming.GENERATED_ALIAS, true_name=aliases.random_name().name)
    if roll < 0.85:
        return PersonInput(Naming.ALIAS, alias=aliases.random_phrase().name)
    return PersonInput(Naming.TRUE_NAME, true_name=aliases.random_name().name)


def synthetic_input(rng: random.Random, today: datetime.date) -> DeclarationInput:
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    by_proxy = rng.random() < 0.15
    named = rng.choice([1, 1, 1, 2, 3]) if by_proxy else 1
    unnamed = rng.choice([0, 0, 2, 5]) if by_proxy else 0
    in_china = rng.random() < 0.9
    return DeclarationInput(
        channel=channel,
        organisations=rng.choice(ORGANISATION_SETS),
        people=[_person(rng) for _ in range(named)],
        unnamed_persons=unnamed,
        by_proxy=by_proxy,
        proxy_relationship=rng.choice(ProxyRelationship.values) if by_proxy else "",
        contact="demo-contact@example.invalid" if rng.random() < 0.2 else "",
        country=places.CHINA if in_china else rng.choice(["US", "CA", "AU", "TW", "HK", "DE"]),
        province=rng.choice(sorted(places.province_codes()))
        if in_china and rng.random() < 0.8
        else "",
        sector=rng.choice([""] * 3 + Sector.values),
        rank=rng.choice(["", "", *Rank.values]),
        statement=rng.choice(STATEMENTS),
        day=today - datetime.timedelta(days=rng.randrange(0, 60)),
    )


def seed(count: int, seed_value: int | None = None) -> None:
    rng = random.Random(seed_value)  # noqa: S311 (synthetic data, not a secret)
    today = timezone.now().date()
    for _ in range(count):
        data = synthetic_input(rng, today)
        roll = rng.random()
        receipt = declare(data, accept=roll < 0.85)
        if roll < 0.02:
            transitions.revoke(receipt.declaration_id, rng.choice(RevokeReason.values))
        elif 0.85 <= roll < 0.9:
            transitions.reject(receipt.declaration_id, RejectReason.NOT_A_WITHDRAWAL)
