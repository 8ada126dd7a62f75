"""The log's static files, C2SP tlog-tiles layout, under /log/: `checkpoint`,
`tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`. Paths are parsed with
the ledger's strict tile grammar before any file is opened, so nothing else
in the data folder can be reached. Full tiles never change and are cached
forever; the checkpoint and partial tiles are not. Only tiles within the
published checkpoint are served: a tile the sequencer has written for a
checkpoint not yet out (or one cut short by a power loss before it was) must
never be cached forever."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from tuidang.ledger.storage import DirectoryStore
from tuidang.ledger.tiles import ENTRIES_LEVEL, TILE_WIDTH, Tile, TileError, parse_tile_path

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


def _published_size() -> int:
    """The tree size of the checkpoint being served (its second line)."""
    lines = _file("checkpoint").split(b"\n", 2)
    try:
        return int(lines[1])
    except (IndexError, ValueError):
        raise Http404("No checkpoint.") from None


def _within(tile: Tile, size: int) -> bool:
    """Whether every hash (or entry) of the tile belongs to a tree of `size`."""
    level = 0 if tile.level == ENTRIES_LEVEL else tile.level
    return (tile.index * TILE_WIDTH + tile.width) * TILE_WIDTH**level <= size


@require_safe
def tile(request, path: str):
    try:
        parsed = parse_tile_path("tile/" + path)
    except TileError:
        raise Http404("Not a tile path.") from None
    if not _within(parsed, _published_size()):
        raise Http404("Not in the published tree.")
    response = HttpResponse(_file(parsed.path()), content_type="application/octet-stream")
    response["Cache-Control"] = REVALIDATE if parsed.is_partial else IMMUTABLE
    return response
