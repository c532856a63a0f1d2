from django import template

from ..structure import site_structure

register = template.Library()


@register.inclusion_tag("columns/includes/column_nav.html", takes_context=True)
def column_nav(context):
    current_path = getattr(context.get("page"), "path", "")
    return {"columns": site_structure().columns, "current_path": current_path}


@register.filter
def absolute_url(url, request):
    """Share cards need full addresses; storage URLs that already are full pass through unchanged."""
    if not url:
        return ""
    return request.build_absolute_uri(url) if request is not None else url
