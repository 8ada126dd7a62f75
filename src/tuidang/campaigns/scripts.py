"""Campaign scripts: Markdown written by campaign leads, rendered to safe HTML
for the call screen by markdown-it-py with raw HTML off (it is shown as text)
and images off (a script must not make the caller's browser fetch anything).
Links stay, and markdown-it refuses `javascript:`, `vbscript:`, `file:` and
`data:` targets. A script is never edited: a change is a new version
(`add_version`), and every call records the version that was read."""

from django.db import transaction
from django.db.models import Max
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from tuidang.campaigns.models import Campaign, ScriptVersion

MAX_LENGTH = 50_000

_renderer = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable("image")


def render(text: str) -> SafeString:
    """The script's HTML. Safe: markdown-it escapes every character of the
    source that is not Markdown syntax, and raw HTML is off (bandit's B308:
    markdown-it did the escaping)."""
    return mark_safe(_renderer.render(text))  # noqa: S308  # nosec B308, B703


def current(campaign: Campaign) -> ScriptVersion | None:
    return campaign.scripts.order_by("-version").first()


def add_version(campaign: Campaign, text: str) -> ScriptVersion:
    """Save `text` as the campaign's next script version."""
    with transaction.atomic():
        # Lock the campaign so two leads saving at once get distinct numbers.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
        latest = campaign.scripts.aggregate(latest=Max("version"))["latest"] or 0
        return ScriptVersion.objects.create(campaign=campaign, version=latest + 1, text=text)
