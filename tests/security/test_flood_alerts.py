"""Flood detection: a channel far above its recent daily norm raises an alert;
ordinary days, small numbers and steady busy channels do not."""

import datetime

import pytest

from tuidang.registry.choices import Channel
from tuidang.registry.models import Declaration
from tuidang.web import flood

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


def received(channel: str, day: datetime.date, count: int):
    """`count` received declarations (rows only: the detector reads day and channel)."""
    Declaration.objects.bulk_create(
        Declaration(
            receipt_hash=f"{channel}-{day}-{number}",
            receipt_commitment="0" * 64,
            day=day,
            organisations=",party,",
            persons=1,
            channel=channel,
            country="CN",
        )
        for number in range(count)
    )


def history(channel: str, per_day: int, days: int = 14):
    for back in range(1, days + 1):
        received(channel, TODAY - datetime.timedelta(days=back), per_day)


def test_a_channel_far_above_its_norm_raises_an_alert():
    history(Channel.WEB, 10)
    received(Channel.WEB, TODAY, 400)
    (alert,) = flood.alerts(TODAY)
    assert (alert.channel, alert.day, alert.count, alert.norm) == ("web", TODAY, 400, 10.0)
    assert alert.ratio == 40


def test_a_busy_but_ordinary_day_raises_nothing():
    history(Channel.WEB, 100)
    received(Channel.WEB, TODAY, 300)
    assert flood.alerts(TODAY) == []


def test_a_few_declarations_on_a_quiet_channel_raise_nothing():
    received(Channel.FAX, TODAY, 12)
    assert flood.alerts(TODAY) == []


def test_only_the_flooding_channel_is_named_and_the_worst_comes_first():
    history(Channel.WEB, 20)
    history(Channel.API, 2)
    received(Channel.WEB, TODAY, 25)
    received(Channel.API, TODAY, 60)
    received(Channel.EMAIL, TODAY, 55)
    assert [alert.channel for alert in flood.alerts(TODAY)] == ["email", "api"]


def test_a_flood_on_an_earlier_day_is_found_when_that_day_is_asked_for():
    yesterday = TODAY - datetime.timedelta(days=1)
    received(Channel.API, yesterday, 500)
    assert [alert.day for alert in flood.alerts(yesterday)] == [yesterday]
    assert flood.alerts(TODAY) == []


def test_the_thresholds_can_be_tuned():
    history(Channel.WEB, 10)
    received(Channel.WEB, TODAY, 40)
    assert flood.alerts(TODAY) == []
    assert [a.count for a in flood.alerts(TODAY, factor=3, minimum=20)] == [40]
