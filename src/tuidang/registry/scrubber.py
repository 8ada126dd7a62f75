"""Finds details in a statement that could identify its author: PRC resident ID
numbers (18 characters with a valid check digit), mainland phone numbers (with
or without +86), email addresses, QQ and WeChat IDs, and street addresses with
house numbers. A statement with any finding is held back from publication until
a moderator edits it (console issue).

Full-width digits and letters are read as their ASCII forms, so "１３８…"
cannot slip past.
"""

import re
import unicodedata
from dataclasses import dataclass

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

PATTERNS = {
    "resident_id": re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])"),
    "phone": re.compile(
        r"(?<![0-9])(?:(?:\+|00)?86[\s-]*)?1[3-9][0-9](?:[\s-]?[0-9]){8}(?![0-9])"
        r"|(?<![0-9])0[1-9][0-9]{1,2}[\s-]?[0-9]{7,8}(?![0-9])"
    ),
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "qq": re.compile(r"(?i)(?:QQ|扣扣|企鹅)\s*(?:号|號)?\s*[:：]?\s*[1-9][0-9]{4,10}(?![0-9])"),
    "wechat": re.compile(
        r"(?i)(?:微信|wechat|weixin|vx|v信|wx)\s*(?:号|號)?\s*[:：]?\s*[A-Za-z][-_A-Za-z0-9]{5,19}"
    ),
    "address": re.compile(
        r"(?:路|街|道|巷|弄|胡同|里|村)\s*[0-9一二三四五六七八九十百]+\s*(?:号|號|组|組)"
        r"|[0-9]+\s*(?:号楼|號樓|单元|單元|室)"
        r"|(?i:\b[0-9]+\s+[A-Za-z]+(?:\s+[A-Za-z]+)?\s+(?:street|st|road|rd|avenue|ave|lane|ln)\b)"
    ),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def _ascii_view(text: str) -> str:
    """Full-width ASCII variants mapped to ASCII, one character for one, so
    positions stay the same."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in text
    )


def valid_resident_id(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def find_identifying_details(text: str) -> list[Finding]:
    view = _ascii_view(text or "")
    findings = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(view):
            if kind == "resident_id" and not valid_resident_id(match.group()):
                continue
            findings.append(Finding(kind, match.start(), match.end()))
    # A resident ID also looks like other numbers; keep the most specific finding.
    ids = [(f.start, f.end) for f in findings if f.kind == "resident_id"]
    return sorted(
        (
            f
            for f in findings
            if f.kind == "resident_id" or not any(s <= f.start and f.end <= e for s, e in ids)
        ),
        key=lambda f: (f.start, f.kind),
    )
