"""Lint, formatting, types and dead code are part of the test run, so CI refuses code that ruff (check and
format), mypy (strict for models/, services/ and ui/) or vulture reject."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ["main.py", "models", "services", "ui", "tests", "benchmarks", "docs", "packaging"]


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *cmd], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = _run("mypy", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = _run("ruff", "format", "--check", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_dead_code() -> None:
    """vulture over the program and its tests (a function only tests call is still reachable), with the
    allow-list of framework callbacks; attributes and variables are left out: most are settings on library
    objects (cell.alignment = …), which vulture cannot tell from dead assignments."""
    result = _run("vulture", *CODE, "--min-confidence", "60")
    dead = [
        line for line in result.stdout.splitlines() if "unused attribute" not in line and "unused variable" not in line
    ]
    assert dead == [], "\n".join(dead)
