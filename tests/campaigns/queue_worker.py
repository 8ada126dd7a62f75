"""A separate process that asks the call queue for targets against a shared
database, for the concurrency tests: `python -m tests.campaigns.queue_worker
MODE START NOW ARGS...` prints a JSON result. NOW is the instant the queue is
asked at (ISO 8601). Modes: setup (a running campaign, TARGETS targets open at
NOW and as many in a zone closed at NOW, CALLERS callers), drain CALLER (take
calls until none is left, closing each as an outcome would), once CALLER (ask
once and keep the lease)."""

import datetime
import json
import sys
import time


def main(mode: str, start: float, now_text: str, *args: str) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from tuidang.campaigns.choices import CampaignStatus, TimeZoneSource
    from tuidang.campaigns.models import Target
    from tuidang.campaigns.queue import QueueError, next_call

    from .helpers import make_campaign

    now = datetime.datetime.fromisoformat(now_text)
    if mode == "setup":
        targets, caller_count = int(args[0]), int(args[1])
        campaign = make_campaign(status=CampaignStatus.RUNNING)
        Target.objects.bulk_create(
            Target(
                campaign=campaign,
                name_or_title=f"Target {n}",
                phone_e164=f"+8610{n:08d}",
                phone_key=f"key-{n}",
                time_zone="Asia/Shanghai" if n % 2 == 0 else "America/New_York",
                time_zone_source=TimeZoneSource.FILE,
                priority=n % 7,
            )
            for n in range(2 * targets)
        )
        for n in range(caller_count):
            get_user_model().objects.create_user(f"caller-{n}")
        return {
            "open": sorted(
                Target.objects.filter(time_zone="Asia/Shanghai").values_list("pk", flat=True)
            )
        }
    caller = get_user_model().objects.get(username=args[0])
    time.sleep(max(0.0, start - time.time()))  # start together
    if mode == "once":
        try:
            target = next_call(None, caller, now)
        except QueueError:
            return {"refused": True, "target": None}
        return {"refused": False, "target": target.pk if target else None}
    taken = []
    while (target := next_call(None, caller, now)) is not None:
        taken.append(target.pk)
        # The outcome: out of the queue, lease ended.
        Target.objects.filter(pk=target.pk).update(closed=True, leased_to=None, lease_until=None)
    return {"taken": taken}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], float(sys.argv[2]), *sys.argv[3:])))
