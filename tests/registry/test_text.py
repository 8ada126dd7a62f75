from hypothesis import given
from hypothesis import strategies as st

from tuidang.registry.text import normalise_block, normalise_line


def test_a_line_is_nfc_normalised():
    assert normalise_line("Cafe\u0301") == "Caf\u00e9"


def test_bidi_overrides_and_isolates_are_removed():
    assert normalise_line("abc\u202edcba\u2066x\u2069") == "abcdcbax"


def test_control_characters_are_removed_and_whitespace_collapsed():
    assert normalise_line("  王\x00\x07  小\t明\n ") == "王 小 明"


def test_a_block_keeps_single_newlines_and_at_most_one_blank_line():
    assert normalise_block("第一行\r\n第二行\n\n\n\n第三行\x1b") == "第一行\n第二行\n\n第三行"


@given(st.text())
def test_normalised_text_never_holds_a_control_or_bidi_character(text):
    for result in (normalise_line(text), normalise_block(text)):
        for char in result:
            assert char == "\n" or not (ord(char) < 32 or 0x7F <= ord(char) < 0xA0)
            assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        assert normalise_line(result) == normalise_line(text) or "\n" in result


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    assert normalise_line(normalise_line(text)) == normalise_line(text)
    assert normalise_block(normalise_block(text)) == normalise_block(text)
