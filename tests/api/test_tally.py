import pytest

from tuidang.registry import tally

from ..factories import make_declaration

pytestmark = pytest.mark.django_db


def test_the_tally_lists_every_total_at_the_latest_checkpoint(client, publish):
    make_declaration(
        accept=True,
        organisations=["party", "league"],
        unnamed_persons=2,
        by_proxy=True,
        proxy_relationship="relatives",
    )
    make_declaration(
        accept=True, organisations=["pioneers"], channel="hotline", country="US", province=""
    )
    make_declaration(accept=False)
    publish()
    body = client.get("/api/v1/tally").json()
    assert body["tree_size"] == 2 and body["checkpoint"].startswith("test.tuidang.invalid/log\n2\n")
    totals = body["totals"]
    assert totals["persons"] == 4 and totals["declarations"] == 2 and totals["entries"] == 2
    assert totals["by_organisation"] == {"league": 3, "party": 3, "pioneers": 1}
    assert totals["by_channel"] == {"hotline": 1, "web": 3}
    assert totals["by_country"] == {"CN": 3, "US": 1}
    assert totals["by_province"] == {"CN-GD": 3}
    assert totals["by_filer"] == {"proxy": 3, "self": 1}
    assert totals["by_naming"] == {"alias": 2, "unnamed": 2}
    assert sum(totals["by_day"].values()) == 4
    assert totals == tally.totals()


def test_totals_accepted_after_the_checkpoint_wait_for_the_next_one(client, publish):
    make_declaration(accept=True)
    publish()
    make_declaration(accept=True)
    body = client.get("/api/v1/tally").json()
    assert body["tree_size"] == 1 and body["totals"]["persons"] == 1
    publish()
    assert client.get("/api/v1/tally").json()["totals"]["persons"] == 2


def test_before_the_first_checkpoint_the_tally_is_the_empty_log(client):
    body = client.get("/api/v1/tally").json()
    assert body["tree_size"] == 0 and body["totals"]["persons"] == 0


def test_reading_the_tally_does_not_count_declaration_rows(client, publish):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_declaration(accept=True)
    publish()
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/v1/tally").content
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "registry_declaration" not in sql and "registry_person" not in sql
    assert "registry_logentry" not in sql
    assert len(queries.captured_queries) == 2
    # Rendered once per checkpoint: later requests only read the checkpoint.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/tally").content == first
    assert len(queries.captured_queries) == 1
    assert "checkpoint" in queries.captured_queries[0]["sql"]


def test_a_new_checkpoint_replaces_the_rendered_tally(client, publish):
    make_declaration(accept=True)
    publish()
    assert client.get("/api/v1/tally").json()["tree_size"] == 1
    make_declaration(accept=True)
    publish()
    body = client.get("/api/v1/tally").json()
    assert body["tree_size"] == 2 and body["totals"] == tally.totals()


def test_the_openapi_document_describes_both_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/tally", "/api/v1/declarations"} <= set(document["paths"])
    assert "422" in document["paths"]["/api/v1/declarations"]["post"]["responses"]


def test_there_is_no_interactive_docs_page_loading_third_party_scripts(client):
    assert client.get("/api/v1/docs").status_code == 404
