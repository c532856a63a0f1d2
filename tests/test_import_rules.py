"""The house rules of who may import whom (README, Layout): checked on the source, not by convention."""

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # no database in these

ROOT = Path(__file__).resolve().parents[1]
PROJECT_APPS = {"core", "columns", "media_center", "stats", "jobfairs", "signups", "distribution", "ops", "cms"}


def imported_modules(folder):
    """(file, module) for every absolute import under `folder`."""
    for source in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                yield from ((source, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level:
                yield source, node.module


def top_level(module):
    return module.split(".")[0]


@pytest.mark.parametrize(
    ("folder", "may_import"),
    [
        ("core", set()),
        ("media_center", {"core"}),
        ("stats", {"core", "columns", "media_center"}),
        ("jobfairs", {"core", "columns", "media_center"}),
        ("signups", {"core", "columns", "jobfairs"}),
        ("distribution", {"core", "media_center", "columns", "jobfairs", "stats"}),
    ],
)
def test_an_app_imports_only_the_apps_below_it(folder, may_import):
    for source, module in imported_modules(folder):
        if top_level(module) in PROJECT_APPS - {folder}:
            assert top_level(module) in may_import, f"{source.relative_to(ROOT)} imports {module}"


@pytest.mark.parametrize("folder", ["media_center/ffmpeg", "distribution/platforms", "ops/backup"])
def test_plain_work_imports_no_django(folder):
    if not (ROOT / folder).exists():
        pytest.skip(f"{folder} does not exist yet")
    for source, module in imported_modules(folder):
        assert top_level(module) not in {"django", "wagtail", *PROJECT_APPS - {"media_center"}}, (
            f"{source.relative_to(ROOT)} imports {module}"
        )


def test_no_migration_imports_or_names_a_module_of_the_project():
    """Moving a block, a helper or a role then breaks no migration (other apps' migrations are named
    only in dependencies, as Django does)."""
    named = re.compile(r"['\"](?:%s)\.\w+\.[\w.]+['\"]" % "|".join(PROJECT_APPS))  # a module path, not a model label
    for migration in sorted(ROOT.glob("*/migrations/*.py")):
        text = migration.read_text()
        for _source, module in imported_modules(migration.parent.relative_to(ROOT)):
            assert top_level(module) not in PROJECT_APPS, f"{migration.relative_to(ROOT)} imports {module}"
        assert not named.findall(text), f"{migration.relative_to(ROOT)} names {named.findall(text)}"


def test_nothing_imports_the_job_fairs_but_the_project_settings():
    for folder in ("core", "columns", "media_center", "stats"):
        for source, module in imported_modules(folder):
            assert top_level(module) != "jobfairs", f"{source.relative_to(ROOT)} imports {module}"


@pytest.mark.parametrize("module", ["signups/phones.py", "signups/codes.py", "core/spreadsheets.py"])
def test_plain_modules_import_no_django(module):
    """Phone numbers, withdrawal codes and export files are plain functions (openpyxl is no Django)."""
    for node in ast.walk(ast.parse((ROOT / module).read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if not node.level else ["(relative)"]
        else:
            continue
        for name in names:
            assert name != "(relative)" and top_level(name) not in {"django", "wagtail", *PROJECT_APPS}, (
                f"{module} imports {name}"
            )


def test_nothing_imports_the_sign_ups_but_the_project_settings():
    for folder in ("core", "columns", "media_center", "stats", "jobfairs"):
        for source, module in imported_modules(folder):
            assert top_level(module) != "signups", f"{source.relative_to(ROOT)} imports {module}"


def test_nothing_imports_the_operations_app():
    """ops reads what the apps registered in core (health checks, metrics): no app knows it exists."""
    for folder in sorted(PROJECT_APPS - {"ops"}):
        if (ROOT / folder).exists():
            for source, module in imported_modules(folder):
                assert top_level(module) != "ops", f"{source.relative_to(ROOT)} imports {module}"


def test_the_operations_app_imports_only_core():
    for source, module in imported_modules("ops"):
        if top_level(module) in PROJECT_APPS - {"ops"}:
            assert top_level(module) == "core", f"{source.relative_to(ROOT)} imports {module}"
