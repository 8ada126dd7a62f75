import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


eighty_bits = st.integers(min_value=0, max_value=2**80 - 1)


@given(eighty_bits, eighty_bits)
def test_distinct_random_numbers_always_give_distinct_codes_and_hashes(a, b):
    if a != b:
        assert receipts.code_for(a) != receipts.code_for(b)
        assert receipts.lookup_hash(receipts.code_for(a)) != receipts.lookup_hash(
            receipts.code_for(b)
        )
    assert CODE_SHAPE.match(receipts.code_for(a))


@given(eighty_bits)
def test_a_code_survives_being_read_back_in_any_case_and_spacing(number):
    code = receipts.code_for(number)
    assert receipts.normalise(code.lower().replace("-", " ")) == code.replace("-", "")


@pytest.mark.django_db
@given(st.integers(min_value=1, max_value=25))
@settings(max_examples=8, deadline=None)
def test_every_declaration_gets_its_own_code_which_finds_only_it(count):
    from django.db import transaction

    from tuidang.registry.models import Declaration

    from ..factories import make_declaration

    with transaction.atomic():
        made = [make_declaration() for _ in range(count)]
        assert len({receipt.code for receipt in made}) == count
        for receipt in made:
            found = Declaration.objects.get(receipt_hash=receipts.lookup_hash(receipt.code))
            assert found.pk == receipt.declaration_id
        transaction.set_rollback(True)
