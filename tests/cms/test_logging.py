"""What reaches the log: a refused flood does not (one line per refusal would cost more than refusing)."""

import logging

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response


def answer(status, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO):
        log_response(
            "%s: %s",
            "answer",
            "/interest/1/",
            response=HttpResponse(status=status),
            request=RequestFactory().post("/interest/1/"),
        )
    return [record for record in caplog.records if record.name == "django.request"]


def test_a_request_refused_by_a_rate_limit_is_not_logged(caplog):
    assert answer(429, caplog) == []


def test_other_client_errors_still_are(caplog):
    assert len(answer(404, caplog)) == 1 and len(answer(403, caplog)) == 1
