"""Groups: one group statement for N members, each named, aliased or only counted."""

import pytest

from tuidang.registry import tally
from tuidang.registry.choices import Naming, Status
from tuidang.registry.models import Declaration, Group

from .helpers import read_back_names, submit
from .personas import sign_in

pytestmark = pytest.mark.django_db


def test_a_group_of_eight_is_accepted_together(personas):
    members = {
        "p1_naming": Naming.TRUE_NAME,
        "p1_true_name": "李建国",
        "p2_naming": Naming.ALIAS,
        "p2_alias": "清醒的干部",
        "p3_naming": Naming.GENERATED_ALIAS,
        "p4_naming": Naming.GENERATED_ALIAS,
        "p4_true_name": "张某",
    }
    data = {
        "label": "某县八名干部",
        "channel": "hotline",
        "on_behalf": "self",
        "organisations": ["party"],
        "country": "CN",
        "province": "CN-HN",
        "sector": "government",
        "unnamed_persons": "4",
        "statement": "我们八人一起退党。",
        **members,
    }
    client = sign_in("olga")
    assert 'name="p8_naming"' in client.get("/console/group/").content.decode()
    response = submit(client, "/console/group/", data)
    assert response.status_code == 200, response.content.decode()
    declaration = Declaration.objects.get()
    assert declaration.persons == 8 and declaration.status == Status.ACCEPTED
    assert declaration.group == Group.objects.get(label="某县八名干部")
    assert declaration.people.count() == 4
    assert len(read_back_names(response.content.decode())) == 4
    assert tally.total() == 8


def test_a_group_label_that_identifies_someone_is_refused(personas):
    data = {
        "label": "联系 13812345678",
        "channel": "hotline",
        "on_behalf": "self",
        "organisations": ["party"],
        "country": "CN",
        "p1_naming": Naming.GENERATED_ALIAS,
    }
    response = submit(sign_in("olga"), "/console/group/", data)
    assert response.status_code == 400
    assert Group.objects.count() == 0 and Declaration.objects.count() == 0


def test_a_refused_group_declaration_leaves_no_group_behind(personas):
    data = {
        "label": "八人",
        "channel": "hotline",
        "on_behalf": "self",
        "organisations": ["party"],
        "country": "CN",
        "p1_naming": Naming.TRUE_NAME,
        "p1_true_name": "",
    }
    response = submit(sign_in("olga"), "/console/group/", data)
    assert response.status_code == 400
    assert Group.objects.count() == 0
