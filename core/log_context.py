"""Ids that every log line carries while some work is under way: the request's id in the web process,
the video job's or the distribution's in a worker.

    with log_context.bind(video_id=7, job_id=31):
        ...  # every line logged here, by any module, carries video_id and job_id

The ids live in a context variable, so two requests served by two threads (or two tasks of one event
loop) never see each other's; `ContextFilter`, on the log handler, copies them onto each record, and the
formatter writes them out (JSON fields in production, `[key=value]` after the message in text).

`RequestIdMiddleware` gives every request an id: the one in the incoming `X-Request-ID` header when it is
a safe token (nginx sends `$request_id`, 32 hexadecimal digits), else a new one. It is sent back in the
response's `X-Request-ID`, so a person reporting a fault can quote it and the proxy can log it.
"""

import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and hyphens, at most 64: nothing a header, a log line or a shell could be tricked with.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")

_ids = ContextVar("log_context", default=MappingProxyType({}))


@contextmanager
def bind(**ids):
    """Add `ids` to every line logged inside the block (None values are left out); nested blocks add to
    the outer ones, and leaving a block restores what was there before it."""
    token = _ids.set(MappingProxyType({**_ids.get(), **{key: value for key, value in ids.items() if value is not None}}))
    try:
        yield
    finally:
        _ids.reset(token)


def current():
    """The ids bound here, as a plain dict."""
    return dict(_ids.get())


class ContextFilter(logging.Filter):
    """Copies the bound ids onto each record (never over an attribute the record has, such as one given
    with `extra=`). Set on the handler, so records of every logger get them."""

    def filter(self, record):
        ids = _ids.get()
        if ids:
            for key, value in ids.items():
                record.__dict__.setdefault(key, value)
            record._log_context = {key: record.__dict__[key] for key in ids}  # for the text formatter; JSON skips _names
        return True


def request_id_of(request):
    """The incoming X-Request-ID when it is a safe token, else a new id (32 hexadecimal digits, like nginx's)."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: every line logged while the request is served carries its `request_id`.

    The id stays bound until the response is closed, not only until this middleware returns: Django logs
    a 4xx or 5xx answer (django.request) after the whole middleware chain has run, and a streamed
    response is sent after it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = _ids.set(MappingProxyType({**_ids.get(), "request_id": request.request_id}))
        try:
            response = self.get_response(request)
        except BaseException:
            _restore(token)
            raise
        response[REQUEST_ID_HEADER] = request.request_id
        # What the WSGI server calls when it has sent the response (close()); Django closes the request so too.
        response._resource_closers.append(lambda: _restore(token))
        return response


def _restore(token):
    try:
        _ids.reset(token)
    except (ValueError, RuntimeError):  # closed in another context (an ASGI server), or restored already
        pass
