import pytest

from tuidang.registry import transitions
from tuidang.registry.choices import Naming, RevokeReason

from ..factories import make_declaration, person

pytestmark = pytest.mark.django_db


def test_only_accepted_declarations_with_text_are_published_newest_batch_first(client, publish):
    make_declaration(accept=True, statement="第一份声明")
    make_declaration(accept=False, statement="未审核的声明")
    make_declaration(accept=True, statement="")
    revoked = make_declaration(accept=True, statement="已撤销的声明")
    transitions.revoke(revoked.declaration_id, RevokeReason.FRAUDULENT)
    publish()
    make_declaration(accept=True, statement="第二份声明")
    assert "第二份声明" not in client.get("/statements/").content.decode()
    publish()
    html = client.get("/").content.decode() and client.get("/statements/").content.decode()
    assert "未审核" not in html and "已撤销" not in html
    assert html.index("第二份声明") < html.index("第一份声明")


def test_statements_are_shown_in_the_readers_script(client, publish):
    make_declaration(accept=True, statement="我声明退出共青团")
    publish()
    assert "我聲明退出共青團" in client.get("/zh-hant/statements/").content.decode()
    make_declaration(accept=True, statement="聲明退出少先隊")
    publish()
    assert "声明退出少先队" in client.get("/statements/").content.decode()


def test_public_names_place_and_organisations_are_shown_never_sealed_fields(client, publish):
    make_declaration(
        accept=True,
        people=[person(Naming.GENERATED_ALIAS, true_name="保密真名")],
        contact="保密联系方式",
        organisations=["league"],
        province="CN-SC",
        statement="内容",
    )
    publish()
    html = client.get("/").content.decode() + client.get("/statements/").content.decode()
    assert "保密真名" not in html and "保密联系方式" not in html
    assert "中国 · 四川</p>" in html and "共青团" in html


def test_statement_text_is_escaped(client, publish):
    make_declaration(accept=True, statement="<script>alert(1)</script><img src=x onerror=alert(2)>")
    publish()
    html = client.get("/statements/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pages_go_back_through_every_statement_once(client, settings, publish):
    settings.TUIDANG_STATEMENTS_PER_PAGE = 3
    for index in range(8):
        make_declaration(accept=True, statement=f"声明编号{index:02d}")
        if index == 3:
            publish()
    publish()
    seen, url = [], "/statements/"
    while url:
        html = client.get(url).content.decode()
        seen += [
            int(html[i + 4 : i + 6]) for i in range(len(html)) if html.startswith("声明编号", i)
        ]
        marker = 'href="?before='
        url = (
            "/statements/?before=" + html.split(marker)[1].split('"')[0] if marker in html else None
        )
    # Newest batch first; within a batch, the log's random order.
    assert sorted(seen[:4]) == [4, 5, 6, 7] and sorted(seen[4:]) == [0, 1, 2, 3]


def test_a_malformed_page_parameter_shows_the_first_page(client, publish):
    make_declaration(accept=True, statement="内容")
    publish()
    assert "内容" in client.get("/statements/?before=abc'--").content.decode()


def test_a_flagged_statement_is_not_published(client, publish):
    make_declaration(accept=True, statement="我的QQ：123456789，声明退出")
    publish()
    assert "123456789" not in client.get("/statements/").content.decode()
