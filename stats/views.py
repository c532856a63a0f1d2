"""The counter endpoint: a beacon from the page (POST) or, without JavaScript, a 1×1 image (GET)."""

import base64

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from media_center.models import Video

from .counting import record
from .models import DailyCount

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def counted_item_exists(kind, object_id):
    if kind == DailyCount.Kind.PAGE:
        return Page.objects.live().filter(pk=object_id).exists()
    return Video.objects.public().filter(pk=object_id).exists()


def client_address(request):
    """The reader's address. Behind a proxy every request comes from the proxy: the header it sets
    (STATS_CLIENT_ADDRESS_HEADER, e.g. X-Real-IP) is read instead, and only when configured."""
    header = settings.STATS_CLIENT_ADDRESS_HEADER
    forwarded = request.headers.get(header, "") if header else ""
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


@csrf_exempt  # a beacon carries no token; it changes nothing but an anonymous total, counted once per reader
@require_http_methods(["GET", "POST"])
def hit(request, kind, object_id):
    if kind not in DailyCount.Kind.values:
        return HttpResponseBadRequest("unknown kind")
    if counted_item_exists(kind, object_id):
        record(kind, object_id, client_address(request), request.headers.get("User-Agent", ""))
    response = HttpResponse(PIXEL, content_type="image/gif") if request.method == "GET" else HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
