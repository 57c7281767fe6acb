"""The code keeps its own rules: ruff lint and format, mypy strict, JavaScript that parses."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from gis_service.settings import PROJECT_ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run a Python tool module in the project folder."""
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT_ROOT, capture_output=True, text=True
    )


def test_ruff_lint_is_clean() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout


def test_ruff_format_is_clean() -> None:
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout


def test_mypy_strict_is_clean() -> None:
    result = run("mypy", "gis_service")
    assert result.returncode == 0, result.stdout


OUR_SCRIPTS = sorted((PROJECT_ROOT / "gis_service" / "static" / "js").glob("**/*.js"))


@pytest.mark.parametrize("script", OUR_SCRIPTS, ids=lambda path: path.name)
def test_javascript_parses(script: object) -> None:
    # node --check parses without running: a syntax error fails here, not in a user's browser.
    result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_planner_script_spells_no_word_and_no_colour() -> None:
    # Words, colours and rules come from Python in the embedded data (issue 9: words once).
    source = (PROJECT_ROOT / "gis_service" / "static" / "js" / "planner.js").read_text("utf-8")
    assert OUR_SCRIPTS, "no scripts found under gis_service/static/js"
    assert re.findall(r"[\u4e00-\u9fff]", source) == []
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b", code) == []
    assert "'grey'" not in code and "'green'" not in code


def test_no_two_modules_share_a_name() -> None:
    # Issue 9: a module's name says what it holds and does not repeat in another layer
    # (plan_kpis / rules.kpis / routers.kpis was three rooms with one name).
    package = PROJECT_ROOT / "gis_service"
    modules = [
        path.relative_to(package).as_posix()
        for path in package.glob("**/*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts
    ]
    by_name: dict[str, list[str]] = {}
    for module in modules:
        by_name.setdefault(module.rsplit("/", 1)[-1], []).append(module)
    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}
