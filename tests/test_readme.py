"""The README's settings table is the one generated from the code."""

from __future__ import annotations

from gis_service.settings import PROJECT_ROOT
from gis_service.settings_doc import readme_with_table


def test_readme_settings_table_is_current() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `DATABASE_URL` |" in readme
    assert readme == readme_with_table(readme), "run: python -m gis_service.settings_doc"


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash .ci/run" in readme and "python -m pytest" in readme
    assert "-m pytest" in ci
