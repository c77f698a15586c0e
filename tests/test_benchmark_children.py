"""A benchmark fails with a message; it never waits on a dialog nobody will close."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_memory_child_ends_with_the_reason_when_no_pdf_can_be_made(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_ui import build_database
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    db_path, data_dir = build_database(tmp_path, 2)
    # no Chinese face at all: no fontconfig (fc-list is looked up on PATH) and no Windows font folder
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PATH": str(tmp_path / "empty-path"),
        "NIANBAO_CACHE_DIR": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "memory_child.py"), "ours", str(db_path), str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "pdf_error" in done.stdout and "中文 TrueType 字体" in done.stdout


@pytest.mark.slow
def test_the_startup_child_starts_as_the_app_does_and_gets_the_fast_start(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_ui import build_database
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    db_path, data_dir = build_database(tmp_path, 2)
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "ui_startup_child.py"), "ours", str(db_path), str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "shown (fast start)"
