import pytest

from tuidang.registry.scrubber import find_identifying_details, valid_resident_id

VALID_ID = "11010519491231002X"  # the check digit of the standard's own example


def kinds(text):
    return [finding.kind for finding in find_identifying_details(text)]


def test_a_resident_id_with_a_valid_check_digit_is_found():
    assert valid_resident_id(VALID_ID)
    assert kinds(f"我的身份证{VALID_ID}。") == ["resident_id"]


def test_eighteen_digits_with_a_wrong_check_digit_are_not_an_id():
    assert not valid_resident_id("110105194912310021")
    assert "resident_id" not in kinds("编号110105194912310021")


@pytest.mark.parametrize(
    "text",
    [
        "电话13812345678",
        "手机 +86 138 1234 5678",
        "0086-139-1234-5678",
        "拨8613912345678",
        "座机010-12345678",
        "电话：０２１８７６５４３２１",
        "１３８１２３４５６７８",
    ],
)
def test_mainland_phone_numbers_are_found_in_any_spelling(text):
    assert "phone" in kinds(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("写信到 someone.name+tag@mail.example.cn", "email"),
        ("QQ：123456789", "qq"),
        ("扣扣号 88886666", "qq"),
        ("微信号: wxid_abc123", "wechat"),
        ("加我VX abcdef12", "wechat"),
        ("住在人民路35号", "address"),
        ("幸福小区3号楼2单元501室", "address"),
        ("12 Garden Street", "address"),
    ],
)
def test_contacts_and_addresses_are_found(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "我声明退出中共及其一切组织。",
        "2004年11月18号我看了九评。",
        "十月一号大家一起退了。",
        "我们单位有300人。",
    ],
)
def test_ordinary_statements_are_not_flagged(text):
    assert kinds(text) == []
