"""The counter endpoint: a beacon from the page (POST) or, without JavaScript, a 1×1 image (GET).

Past REQUESTS_PER_MINUTE from one address the answer is 429 with Retry-After, yet with the usual
body (the image, or nothing): a page never shows an error for its counter, the read is just not counted.
"""

import base64

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from core.ratelimit import client_address, rate_limited
from media_center.models import Video

from .counting import record
from .models import DailyCount

REQUESTS_PER_MINUTE = 60
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def counted_item_exists(kind, object_id):
    if kind == DailyCount.Kind.PAGE:
        return Page.objects.live().filter(pk=object_id).exists()
    return Video.objects.public().filter(pk=object_id).exists()


def beacon_answer(request):
    response = HttpResponse(PIXEL, content_type="image/gif") if request.method == "GET" else HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a beacon carries no token; it changes nothing but an anonymous total, counted once per reader
@require_http_methods(["GET", "POST"])
@rate_limited(REQUESTS_PER_MINUTE, 60, cache_alias="counting", answer=beacon_answer)
def hit(request, kind, object_id):
    if kind not in DailyCount.Kind.values:
        return HttpResponseBadRequest("unknown kind")
    if counted_item_exists(kind, object_id):
        record(kind, object_id, client_address(request), request.headers.get("User-Agent", ""))
    return beacon_answer(request)
