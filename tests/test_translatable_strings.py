"""Every Chinese text the code shows to people goes through gettext, so `makemessages` finds it.

Checked on the source: a string literal holding Chinese (CJK characters or full-width punctuation)
outside a gettext call is a failure, unless it is a docstring, a bare separator, or listed in
ALLOWED with the reason it is not a message.
"""

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # no database in these

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_FOLDERS = {"tests", "bench", "var", "node_modules", "migrations"}
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
SEPARATORS = {"、", "；", "：", "「", "」"}  # joining or quoting translated texts and data

NOT_A_MESSAGE = "a role group's name: stored in the database and matched"
ALLOWED = {
    ("core/roles.py", "编辑"): NOT_A_MESSAGE,
    ("core/roles.py", "初审"): NOT_A_MESSAGE,
    ("core/roles.py", "复审"): NOT_A_MESSAGE,
    ("core/roles.py", "终审"): NOT_A_MESSAGE,
    ("core/roles.py", "视频"): NOT_A_MESSAGE,
    ("core/roles.py", "管理员"): NOT_A_MESSAGE,
    ("columns/roles.py", "三审"): "the review workflow's name: stored in the database and matched",
    ("columns/models/pages.py", "本站原创"): "an article's default source: stored, and matched to leave the source line out",
    ("cms/settings/base.py", "工会融媒体中心"): "the site's name, a proper name",
    ("cms/settings/base.py", "简体中文"): "the language's name in itself, the same in every language",
    (
        "cms/settings/base.py",
        "EMAIL_URL 应形如 smtp://用户名:密码@主机:587?tls=true 或 smtps://用户名:密码@主机:465",
    ): "settings load before translations can",
    ("cms/settings/production.py", "环境变量 "): "settings load before translations can; the message carries its English too",
    (
        "cms/settings/production.py",
        " 未设置 (required environment variable ",
    ): "settings load before translations can; the message carries its English too",
    (
        "media_center/ffmpeg/playlists.py",
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="默认",DEFAULT=YES,AUTOSELECT=YES,URI="',
    ): ("the audio track's name inside a stored HLS playlist"),
    ("distribution/channels_package.py", "\uff03"): "the full-width number sign, read as # in a clip's 话题: matched, not shown",
    **{
        ("media_center/ffmpeg/subtitles.py", full_width): "ASS escaping: full-width forms, so libass reads no override tag"
        for full_width in ("＼", "｛", "｝")
    },
}


def python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIPPED_FOLDERS.intersection(relative.parts) and not any(part.startswith(".") for part in relative.parts):
            yield relative


def untranslated_literals(source):
    """(line, text) of each Chinese string literal outside gettext calls and docstrings."""
    tree = ast.parse(source)
    exempt = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node.func) in GETTEXT:
            exempt.update(id(inner) for inner in ast.walk(node))
        elif isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                exempt.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value) and id(node) not in exempt:
            yield node.lineno, node.value


def _called_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def found_literals():
    for path in python_files():
        for line, text in untranslated_literals((ROOT / path).read_text()):
            yield str(path), line, text


def test_every_chinese_literal_goes_through_gettext():
    offending = sorted(
        f"{path}:{line}: {text!r}"
        for path, line, text in found_literals()
        if text not in SEPARATORS and (path, text) not in ALLOWED
    )
    assert not offending, "Chinese text outside gettext (wrap it, or list it in ALLOWED with why):\n" + "\n".join(offending)


def test_every_allowed_literal_is_still_in_the_code():
    found = {(path, text) for path, _line, text in found_literals()}
    assert not set(ALLOWED) - found, f"no longer in the code, remove from ALLOWED: {sorted(set(ALLOWED) - found)}"
