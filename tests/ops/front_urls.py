"""The site's URLs and two more: /_front/seen, what the application made of the request nginx passed on, and
/_front/accel, a video file handed to nginx as media_center's signed-file view does once the signature holds."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import path

from cms.urls import handler500  # noqa: F401 - the site's own error page
from cms.urls import urlpatterns as site_urlpatterns
from core.ratelimit import client_address


def seen(request):
    return JsonResponse({"secure": request.is_secure(), "client": client_address(request), "host": request.get_host()})


HANDED_OVER = "videos/1/mp4/360p.mp4"


def accel(request):
    response = HttpResponse(content_type="video/mp4")
    response["X-Accel-Redirect"] = settings.VIDEO_ACCEL_REDIRECT_PREFIX + HANDED_OVER
    return response


urlpatterns = [path("_front/seen", seen), path("_front/accel", accel), *site_urlpatterns]
