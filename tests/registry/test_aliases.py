import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuidang.registry import aliases
from tuidang.registry.choices import Naming
from tuidang.registry.models import Person

from ..factories import make_declaration, person

# True names drawn from the generator's own lists, so collisions are likely
# enough that the "never the true name" rule is really exercised.
true_names = st.builds(
    lambda surname, given: surname + given,
    st.sampled_from(sorted(aliases.SURNAMES)),
    st.text(alphabet=aliases.GIVEN, min_size=1, max_size=2),
)


@given(true_names)
@settings(max_examples=300)
def test_the_generator_never_returns_the_true_name_or_a_part_of_it(true_name):
    alias = aliases.generate(true_name)
    assert alias.name != true_name
    assert alias.name not in true_name and true_name not in alias.name


def test_a_generated_name_is_a_common_surname_and_given_name_with_pinyin():
    alias = aliases.generate()
    assert alias.name[0] in aliases.SURNAMES
    assert 2 <= len(alias.name) <= 4
    surname_latin, given_latin = alias.latin.split(" ")
    assert surname_latin == aliases.SURNAMES[alias.name[0]]
    assert given_latin.isascii() and given_latin[0].isupper()


def test_a_phrase_alias_has_a_latin_form():
    alias = aliases.generate(style="phrase")
    assert alias.latin.isascii()


def test_the_generator_skips_names_that_are_taken():
    taken = set()
    for _ in range(500):
        alias = aliases.generate(is_taken=taken.__contains__)
        assert alias.name not in taken
        taken.add(alias.name)


def test_the_generator_gives_up_loudly_when_everything_is_taken():
    with pytest.raises(aliases.AliasSpaceExhausted):
        aliases.generate(is_taken=lambda name: True)


@pytest.mark.django_db
@given(st.lists(true_names, min_size=1, max_size=8))
@settings(max_examples=25, deadline=None)
def test_published_generated_aliases_stay_unique_and_never_equal_the_true_name(names):
    for name in names:
        receipt = make_declaration(
            accept=True, people=[person(Naming.GENERATED_ALIAS, true_name=name)]
        )
        assert receipt.public_names[0].name != name
    generated = list(
        Person.objects.filter(naming=Naming.GENERATED_ALIAS).values_list("public_name", flat=True)
    )
    assert len(generated) == len(set(generated))
