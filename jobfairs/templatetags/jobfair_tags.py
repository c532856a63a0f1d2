from django import template
from django.utils.safestring import mark_safe

from ..models import qr_svg as draw_qr

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ picked|get_item:filter.key }}: a dictionary's value by a key the template holds in a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def qr_svg(url):
    return mark_safe(draw_qr(url)) if url else ""  # noqa: S308 - segno's own SVG, the URL inside it escaped
