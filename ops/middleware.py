"""Counting and timing every request by view and status class (ops.metrics)."""

import logging
import time

from .metrics import observe_request, view_label

logger = logging.getLogger(__name__)


class RequestMetricsMiddleware:
    """First in MIDDLEWARE: it sees every answer, those given by the page cache or a refusal included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        try:
            observe_request(view_label(request), response.status_code, time.perf_counter() - started)
        except Exception:  # noqa: BLE001 - counting (a full metrics folder, say) must never cost the reader the page
            logger.exception("request not counted in the metrics")
        return response
