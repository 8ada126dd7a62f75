"""The log's static files, C2SP tlog-tiles layout, under /log/: `checkpoint`,
`tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`. Paths are parsed with
the ledger's strict tile grammar before any file is opened, so nothing else
in the data folder can be reached. Full tiles never change and are cached
forever; the checkpoint and partial tiles are not."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from tuidang.ledger.storage import DirectoryStore
from tuidang.ledger.tiles import TileError, parse_tile_path

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


def _file(path: str) -> bytes:
    try:
        return DirectoryStore(settings.TUIDANG_LOG_DIR).read(path)
    except (FileNotFoundError, NotADirectoryError):
        raise Http404("No such log file.") from None


@require_safe
def checkpoint(request):
    response = HttpResponse(_file("checkpoint"), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = REVALIDATE
    return response


@require_safe
def tile(request, path: str):
    try:
        parsed = parse_tile_path("tile/" + path)
    except TileError:
        raise Http404("Not a tile path.") from None
    response = HttpResponse(_file(parsed.path()), content_type="application/octet-stream")
    response["Cache-Control"] = REVALIDATE if parsed.is_partial else IMMUTABLE
    return response
