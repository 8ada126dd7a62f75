"""Builders of valid intake input for tests; override any field."""

from tuidang.registry.choices import Channel, Naming
from tuidang.registry.intake import DeclarationInput, PersonInput, declare


def person(naming=Naming.GENERATED_ALIAS, true_name="", alias="") -> PersonInput:
    return PersonInput(naming=naming, true_name=true_name, alias=alias)


def declaration_input(**overrides) -> DeclarationInput:
    values = {
        "channel": Channel.WEB,
        "organisations": ["party"],
        "people": [person()],
        "country": "CN",
        "province": "CN-GD",
    }
    values.update(overrides)
    return DeclarationInput(**values)


def make_declaration(accept=False, **overrides):
    return declare(declaration_input(**overrides), accept=accept)
