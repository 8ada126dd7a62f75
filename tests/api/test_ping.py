"""GET /api/v1/ping: liveness, and the baseline of bench/http_bench.py."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_ping_answers_without_touching_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/ping")
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert len(queries.captured_queries) == 0
