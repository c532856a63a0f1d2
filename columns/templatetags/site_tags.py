from django import template

from ..models import ColumnPage

register = template.Library()


@register.inclusion_tag("columns/includes/column_nav.html", takes_context=True)
def column_nav(context):
    columns = ColumnPage.objects.live().order_by("path").only("title", "slug", "url_path", "path", "depth")
    current = context.get("page")
    current_path = getattr(current, "path", "")
    return {"columns": columns, "current_path": current_path, "request": context.get("request")}


@register.filter
def absolute_url(url, request):
    """Share cards need full addresses; storage URLs that already are full pass through unchanged."""
    if not url:
        return ""
    return request.build_absolute_uri(url) if request is not None else url
