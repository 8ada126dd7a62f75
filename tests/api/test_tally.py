import pytest

from tuidang.registry import tally

from ..factories import make_declaration

pytestmark = pytest.mark.django_db


def test_the_tally_lists_every_total_from_the_maintained_counters(client):
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
    body = client.get("/api/v1/tally").json()
    assert body["persons"] == 4 and body["declarations"] == 2
    assert body["organisations"] == {"league": 3, "party": 3, "pioneers": 1}
    assert body["channels"] == {"hotline": 1, "web": 3}
    assert body["countries"] == {"CN": 3, "US": 1}
    assert body["provinces"] == {"CN-GD": 3}
    assert body["proxy"] == {"proxy": 3, "self": 1}
    assert body["naming"] == {"alias": 2, "unnamed": 2}
    assert sum(body["days"].values()) == 4
    assert body == tally.totals()


def test_reading_the_tally_does_not_count_declaration_rows(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_declaration(accept=True)
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/tally")
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "registry_declaration" not in sql and "registry_person" not in sql
    assert len(queries.captured_queries) == 1


def test_the_openapi_document_describes_both_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/tally", "/api/v1/declarations"} <= set(document["paths"])
    assert "422" in document["paths"]["/api/v1/declarations"]["post"]["responses"]


def test_there_is_no_interactive_docs_page_loading_third_party_scripts(client):
    assert client.get("/api/v1/docs").status_code == 404
