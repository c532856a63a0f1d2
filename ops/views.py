"""/healthz and /metrics: thin views over ops.health and ops.metrics.

Neither is ever stored by the page cache (core.page_cache skips them) or downstream (no-store), neither
needs a login, and both are exempt from the SSL redirect (production settings), so a monitor or
Prometheus inside the server room may ask over plain HTTP.
"""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from .access import Access, metrics_access
from .health import current_status
from .metrics import exposition


@require_safe
def healthz(request):
    """200 while every critical check passes (its status "ok", or "degraded" when a warning fails), 503
    otherwise; each check's figures and message only for those who may read /metrics (or DEBUG)."""
    status = current_status()
    with_detail = settings.DEBUG or metrics_access(request) is Access.ALLOWED
    response = JsonResponse(status.as_dict(with_detail), status=status.http_status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def metrics(request):
    """Prometheus text format for a scraper with the token or from an allowed address."""
    access = metrics_access(request)
    if access is Access.OFF:
        raise Http404
    if access is Access.REFUSED:
        return HttpResponse(
            _("禁止访问：需要 METRICS_TOKEN 或来自 METRICS_ALLOWED_ADDRESSES 中的地址。"),
            status=403,
            content_type="text/plain; charset=utf-8",
            headers={"Cache-Control": "no-store"},
        )
    body = exposition(current_status().results)
    return HttpResponse(body, content_type=CONTENT_TYPE_PLAIN_0_0_4, headers={"Cache-Control": "no-store"})
