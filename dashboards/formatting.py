"""Numbers in the active language: 12.345 and 3,5 in Vietnamese; 12,345 and 3.5 in English."""

from django.utils.formats import get_format


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return "—"
    text = f"{float(value):,.{int(decimals)}f}"
    thousand = get_format("THOUSAND_SEPARATOR")
    decimal = get_format("DECIMAL_SEPARATOR")
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousand)
