"""Writes the Traditional Chinese catalogue from the Simplified one with OpenCC
(s2t), so the two never drift apart. Run by scripts/make-messages.

Usage: python scripts/make_traditional_po.py SIMPLIFIED.po TRADITIONAL.po
"""

import re
import sys

import opencc

STRING = re.compile(r'^(msgstr(?:\[\d+\])? |)"(.*)"$')


def convert(lines: list[str]) -> list[str]:
    converter = opencc.OpenCC("s2t")
    out = []
    in_msgstr = False
    for line in lines:
        if line.startswith("msgstr"):
            in_msgstr = True
        elif line.startswith(("msgid", "#")) or not line.strip():
            in_msgstr = False
        match = STRING.match(line)
        if in_msgstr and match and not line.startswith('msgstr ""\n') and '"Language: ' not in line:
            prefix, text = match.groups()
            line = f'{prefix}"{converter.convert(text)}"'
        out.append(line.replace('"Language: zh_Hans\\n"', '"Language: zh_Hant\\n"'))
    return out


if __name__ == "__main__":
    source, target = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    with open(target, "w", encoding="utf-8") as handle:
        handle.write("\n".join(convert(lines)))
