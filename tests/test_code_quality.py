"""Lint and types are part of the test run, so CI refuses code that ruff or mypy (strict for services/ and
models/) reject."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ["main.py", "models", "services", "ui", "tests", "benchmarks", "docs"]


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *cmd], cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = _run("mypy", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr
