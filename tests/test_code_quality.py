"""The code keeps its own rules: ruff lint and format, mypy strict on the package."""

from __future__ import annotations

import subprocess
import sys

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
