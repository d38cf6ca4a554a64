from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ counts|get_item:tab }}`: a dictionary value by a variable key."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
