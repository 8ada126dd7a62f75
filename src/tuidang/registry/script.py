"""Simplified and Traditional Chinese: statements are stored as written and
shown in the reader's script (OpenCC)."""

import functools

import opencc


@functools.cache
def _converter(config: str) -> "opencc.OpenCC":
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text) if text else text


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text) if text else text


def for_language(text: str, language: str | None) -> str:
    """`text` in the script of `language` (a Django language code)."""
    if language == "zh-hant":
        return to_traditional(text)
    if language == "zh-hans":
        return to_simplified(text)
    return text
