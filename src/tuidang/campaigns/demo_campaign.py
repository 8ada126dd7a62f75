"""The demo's practice campaign (`tuidang demo` only): running, open at every
hour of every day so that a newcomer can try the call screens whenever they
run the demo, with synthetic targets — titles and units marked fictional,
never a person's name, and numbers that reach no one (a Beijing number cannot
begin with 0 after the area code). Being a practice campaign, an agreement in
it records nothing in the registry."""

import datetime

from django.db import transaction

from tuidang.campaigns import scripts
from tuidang.campaigns.choices import CampaignStatus, TimeZoneSource
from tuidang.campaigns.models import CallingWindow, Campaign, Target

NAME = "练习活动（演示）"
SCRIPT = """## 开场

您好！我们是海外的志愿者，打这个电话是想请您花几分钟听一听。

- 说明我们为什么打电话；
- 请对方**听完**再决定；
- 如果对方不方便说话，可以提出**用我们起的化名**登记。

## 结束

谢谢您听完。无论您怎么决定，都祝您平安。
"""
TITLES = ("派出所所长", "政法委干部", "看守所管教", "街道办事处职员", "中学教师")
UNITS = ("某县公安局（虚构）", "某区政法委（虚构）", "某市看守所（虚构）", "某街道办（虚构）")
PROVINCES = ("CN-HB", "CN-SD", "CN-GD", "CN-SC", "CN-LN")
SECTORS = ("police", "political_legal", "prison", "government", "education")
TARGETS = 25


def create() -> Campaign | None:
    """Create the practice campaign unless any campaign exists; return it."""
    if Campaign.objects.exists():
        return None
    today = datetime.date.today()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=NAME,
            purpose="新外呼员在这里熟悉外呼界面：对象是虚构的，“同意”不会登记任何声明。",
            status=CampaignStatus.RUNNING,
            practice=True,
            start_day=today - datetime.timedelta(days=1),
            end_day=today + datetime.timedelta(days=365),
        )
        CallingWindow.objects.bulk_create(
            CallingWindow(
                campaign=campaign, weekday=day, start=datetime.time(0), end=datetime.time.max
            )
            for day in range(7)
        )
        scripts.add_version(campaign, SCRIPT)
        Target.objects.bulk_create(
            Target(
                campaign=campaign,
                name_or_title=f"{TITLES[n % len(TITLES)]}（虚构{n + 1}）",
                unit=UNITS[n % len(UNITS)],
                sector=SECTORS[n % len(SECTORS)],
                place=PROVINCES[n % len(PROVINCES)],
                phone_e164=f"+8610000000{n:02d}",
                phone_key=f"demo-practice-{n}",
                time_zone="Asia/Shanghai",
                time_zone_source=TimeZoneSource.FILE,
                priority=n % 3,
            )
            for n in range(TARGETS)
        )
    return campaign
