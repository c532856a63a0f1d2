"""`load_demo` runs the loaders the apps registered, in their order, and `--no-videos` leaves out those needing ffmpeg."""

import pytest
from django.core.management import call_command

from core import demo

pytestmark = pytest.mark.once  # no database: the loaders are stand-ins


@pytest.fixture
def calls(monkeypatch):
    monkeypatch.setattr(demo, "loaders", {})
    made = []

    def loader(name):
        def load(say, progress):
            made.append(name)
            say(f"{name} detail")
            say(f"{name} done", done=True)

        return load

    demo.register("videos", loader("videos"), order=20, needs_ffmpeg=True)
    demo.register("fairs", loader("fairs"), order=40)
    demo.register("articles", loader("articles"), order=10)
    return made


def test_the_registered_loaders_run_lowest_order_first_and_report_through_the_command(calls, capsys):
    call_command("load_demo")
    assert calls == ["articles", "videos", "fairs"]
    assert "  articles detail\n" in capsys.readouterr().out


def test_no_videos_leaves_out_the_loaders_that_need_ffmpeg(calls):
    call_command("load_demo", "--no-videos")
    assert calls == ["articles", "fairs"]


def test_the_apps_register_their_loaders_in_this_order():
    assert [(loader.name, loader.needs_ffmpeg) for loader in demo.loaders_to_run()] == [
        ("articles", False),
        ("videos", True),
        ("article_videos", False),
        ("job_fairs", False),
        ("signups", False),
        ("channels", False),
    ]
