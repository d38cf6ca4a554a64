from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """An amount in đồng with dot thousands separators: 18500000 -> "18.500.000"."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""
