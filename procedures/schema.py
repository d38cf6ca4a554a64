"""Helpers for the typed field definitions a procedure version carries."""

from django.utils.translation import get_language


def localized(definition: dict, key: str) -> str:
    """`definition[key + "_en"]` when the active language is English, else the Vietnamese text."""
    english = (get_language() or "vi").startswith("en")
    return (definition.get(f"{key}_en") if english else None) or definition.get(f"{key}_vi") or ""
