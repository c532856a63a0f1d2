"""Requests no honest client sends, refused before any view reads them."""

import json
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

JSON_NUL = b"\\u0000"


class RefuseNulMiddleware:
    """A NUL character in the path, the query string or a JSON body is answered 400.

    PostgreSQL cannot store NUL in text, so such a value reaching a query or a save is a 500 (and on
    SQLite a value cut short). Form fields refuse NUL themselves; paths, query strings and JSON
    bodies are checked here, once, for every view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.carries_nul(request):
            return self.get_response(request)
        message = _("请求中含有不允许的空字符 (NUL)。")
        if request.content_type == "application/json":  # answered the way JSON endpoints answer errors
            return JsonResponse({"error": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    @staticmethod
    def carries_nul(request):
        if "\x00" in request.path_info or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True
        if request.content_type == "application/json":
            body = request.body
            return b"\x00" in body or (JSON_NUL in body and holds_nul(body))
        return False


def holds_nul(body):
    """Whether the JSON document's keys or strings hold a NUL (a raw `\\u0000` text is no NUL)."""
    try:
        document = json.loads(body)
    except ValueError:
        return False  # not JSON: the view answers that
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str) and "\x00" in value:
            return True
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False
