"""Check the count: how anyone can verify the published numbers, in plain
words, with the values they need — the latest signed checkpoint (tree size,
root hash, the signed note), the log's verifier key, the log's address and the
command that checks it. Everything here is public already (/log/checkpoint,
/api/v1/tally); the home page links here instead of showing hashes itself."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from tuidang.transparency import published
from tuidang.transparency.keys import verifier_key_or_none


def log_url(request) -> str:
    """The public log's address on this site, as `tuidang log verify` takes it
    (the folder holding `checkpoint`, without a trailing slash)."""
    folder = reverse("log:checkpoint").rsplit("/", 1)[0]
    return request.build_absolute_uri(folder)


@require_safe
def check(request):
    snapshot = published.latest()
    return render(
        request,
        "public/check.html",
        {
            "tree_size": snapshot["tree_size"],
            "root_hash": snapshot["root_hash"],
            "checkpoint": snapshot["checkpoint"],
            "verifier_key": verifier_key_or_none(),
            "log_url": log_url(request),
        },
    )
