"""The site's URLs and one more, /_front/seen: what the application made of the request nginx passed on."""

from django.http import JsonResponse
from django.urls import path

from cms.urls import handler500  # noqa: F401 - the site's own error page
from cms.urls import urlpatterns as site_urlpatterns
from core.ratelimit import client_address


def seen(request):
    return JsonResponse({"secure": request.is_secure(), "client": client_address(request), "host": request.get_host()})


urlpatterns = [path("_front/seen", seen), *site_urlpatterns]
