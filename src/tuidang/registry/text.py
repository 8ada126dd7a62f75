"""Normalisation of every piece of free text that enters the registry.

NFC; control characters removed (newlines kept where a field allows them);
bidirectional overrides, isolates and marks removed (they can make a statement
display differently from what is stored); surrounding whitespace stripped.
"""

import re
import unicodedata

# Bidi embedding/override/isolate controls and marks, plus zero-width no-break
# space (BOM) and the line/paragraph separators that render as line breaks.
_INVISIBLE = dict.fromkeys(
    [
        0x200E,
        0x200F,
        0x061C,
        0x202A,
        0x202B,
        0x202C,
        0x202D,
        0x202E,
        0x2066,
        0x2067,
        0x2068,
        0x2069,
        0xFEFF,
        0x2028,
        0x2029,
    ]
)
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _drop_controls(text: str, keep_newlines: bool) -> str:
    kept = []
    for char in text:
        if char == "\n" and keep_newlines:
            kept.append(char)
        elif char in "\t\n\r\v\f":
            kept.append(" ")
        elif unicodedata.category(char) != "Cc":
            kept.append(char)
    return "".join(kept)


def normalise_line(text: str) -> str:
    """One line of text: a name, an alias, a short answer."""
    text = unicodedata.normalize("NFC", text or "").translate(_INVISIBLE)
    text = _drop_controls(text, keep_newlines=False)
    return _SPACES.sub(" ", text).strip()


def normalise_block(text: str) -> str:
    """Several lines: a statement or contact details."""
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    text = _drop_controls(text.translate(_INVISIBLE), keep_newlines=True)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
