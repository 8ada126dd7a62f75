import re

import pytest

from tuidang.registry import receipts

CODE_SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_a_code_is_four_groups_of_four_crockford_symbols():
    assert CODE_SHAPE.match(receipts.new_code())


def test_a_code_carries_at_least_80_random_bits():
    assert receipts.BITS >= 80
    assert len(receipts.ALPHABET) ** receipts.SYMBOLS >= 2**80


def test_codes_do_not_repeat_across_many_draws():
    codes = {receipts.new_code() for _ in range(20000)}
    assert len(codes) == 20000


def test_every_symbol_position_varies():
    codes = [receipts.normalise(receipts.new_code()) for _ in range(2000)]
    for position in range(receipts.SYMBOLS):
        assert len({code[position] for code in codes}) > 20


def test_a_code_read_over_the_phone_is_forgiven_lookalikes_case_and_spacing():
    code = "0I1L-ABCD-EFGH-JKMN"
    typed = " oiil abcd efgh jkmn "
    assert receipts.lookup_hash(typed) == receipts.lookup_hash(
        code.replace("I", "1").replace("L", "1")
    )


@pytest.mark.parametrize(
    "bad", ["", "ABC", "UUUU-UUUU-UUUU-UUUU", "7GQ4-M2XD-0KTB-9ZRC-1", "<script>"]
)
def test_a_malformed_code_is_refused(bad):
    with pytest.raises(receipts.InvalidReceiptCode):
        receipts.normalise(bad)


def test_the_lookup_hash_is_not_the_code_and_is_stable():
    code = receipts.new_code()
    digest = receipts.lookup_hash(code)
    assert len(digest) == 64
    assert receipts.normalise(code) not in digest
    assert digest == receipts.lookup_hash(code.lower())
