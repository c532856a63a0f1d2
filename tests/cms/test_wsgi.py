"""What the web application does when a server loads it."""


def test_the_web_application_loads_the_search_dictionaries_before_any_request(monkeypatch):
    import importlib
    import sys

    from columns import search

    monkeypatch.setattr(search, "_tokenizer", None)
    sys.modules.pop("cms.wsgi", None)
    importlib.import_module("cms.wsgi")
    assert search._tokenizer is not None
