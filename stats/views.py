"""The counter endpoint: a beacon from the page (POST) or, without JavaScript, a 1×1 image (GET)."""

import base64

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


@csrf_exempt  # a beacon carries no token; it changes nothing but an anonymous total, counted once per reader
@require_http_methods(["GET", "POST"])
def hit(request, kind, object_id):
    if kind not in DailyCount.Kind.values:
        return HttpResponseBadRequest("unknown kind")
    if counted_item_exists(kind, object_id):
        address = request.META.get("REMOTE_ADDR", "")
        record(kind, object_id, address, request.headers.get("User-Agent", ""))
    response = HttpResponse(PIXEL, content_type="image/gif") if request.method == "GET" else HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
