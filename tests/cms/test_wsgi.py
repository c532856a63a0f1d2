"""What the web application does when a server loads it."""

import pytest

pytestmark = pytest.mark.once  # no database in these


def test_the_web_application_loads_the_search_dictionaries_before_any_request(monkeypatch):
    import importlib
    import sys

    from core.search import backend as search

    monkeypatch.setattr(search, "_tokenizer", None)
    sys.modules.pop("cms.wsgi", None)
    importlib.import_module("cms.wsgi")
    assert search._tokenizer is not None
