import pytest

from ..factories import make_declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_of_300(publish):
    for _ in range(300):
        make_declaration(accept=True)
    publish()


def test_the_checkpoint_is_served_and_revalidated(client, log_of_300):
    response = client.get("/log/checkpoint")
    assert response.status_code == 200
    assert response.content.startswith(b"test.tuidang.invalid/log\n300\n")
    assert response["Cache-Control"] == "public, no-cache"


def test_full_tiles_are_immutable_and_partial_ones_are_not(client, log_of_300):
    full = client.get("/log/tile/0/000")
    assert full.status_code == 200 and len(full.content) == 256 * 32
    assert "immutable" in full["Cache-Control"]
    partial = client.get("/log/tile/0/001.p/44")
    assert partial.status_code == 200 and len(partial.content) == 44 * 32
    assert "immutable" not in partial["Cache-Control"]
    bundle = client.get("/log/tile/entries/000")
    assert bundle.status_code == 200 and b"declare " in bundle.content


def test_tiles_beyond_the_published_checkpoint_are_not_served(client, log_of_300, log_folder):
    # As if the sequencer had written them for a checkpoint that is not out
    # yet, or a power loss had left them behind: never cached forever.
    (log_folder / "tile" / "0" / "001").write_bytes(b"\0" * 256 * 32)
    (log_folder / "tile" / "entries" / "001.p" / "45").parent.mkdir(exist_ok=True)
    (log_folder / "tile" / "entries" / "001.p" / "45").write_bytes(b"x")
    assert client.get("/log/tile/0/001").status_code == 404
    assert client.get("/log/tile/entries/001.p/45").status_code == 404
    assert client.get("/log/tile/1/000.p/1").status_code == 200  # 256 entries ≤ 300


PATHS_THAT_ARE_NOT_TILES = [
    "/log/tile/../checkpoint",
    "/log/tile/0/../../log-signing-key",
    "/log/tile/%2e%2e/%2e%2e/log-signing-key",
    "/log/tile/0/000/../../../../etc/passwd",
    "/log/tile/0/1",
    "/log/tile/0/001.p/256",
    "/log/tile/.lock",
    "/log/.lock",
    "/log/tile/0/999",
    "/log/tile/entries/x001/000",
]


def test_anything_but_a_tile_path_is_not_found(client, log_of_300):
    # One log for every path: building it is the slow part.
    for path in PATHS_THAT_ARE_NOT_TILES:
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"PRIVATE+KEY" not in response.content


def test_the_log_refuses_writes(client, log_of_300):
    assert client.post("/log/checkpoint").status_code == 405
