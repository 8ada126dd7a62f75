"""Filters that show registry values to the public in the page's language:
numbers, public names, places, organisations, statement text in the reader's
script. None of them can reach anything sealed."""

from django import template
from django.utils.translation import get_language

from tuidang.registry import organisations, places, script

register = template.Library()


@register.filter
def grouped(number) -> str:
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return ""


@register.filter
def public_name(person) -> str:
    if get_language() == "en" and person.public_name_latin:
        return person.public_name_latin
    return script.for_language(person.public_name, get_language())


@register.filter
def place(declaration) -> str:
    country = places.country_name(declaration.country)
    if declaration.province:
        return f"{country} · {places.province_name(declaration.province)}"
    return country


@register.filter
def organisation_names(declaration) -> str:
    separator = ", " if get_language() == "en" else "、"
    return separator.join(organisations.name(code) for code in declaration.organisation_codes)


@register.filter
def in_reader_script(text: str) -> str:
    return script.for_language(text, get_language())
