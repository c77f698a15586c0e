"""A non-editable install carries what the program reads at run time: resources/ (the formats, the sample, the
icons) and the Alembic migrations' template, beside the packages that find them (services.paths)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_carries_the_resources_and_the_migrations(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("nianbao-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    needed = {
        "resources/formats/2019.json",
        "resources/formats/2021.json",
        "resources/samples/guiyang-rfb-2020.json",
        "resources/rule_packs/示例-某市2025年度要求.json",
        "resources/icons/nianbao.png",
        "models/migrations/env.py",
        "models/migrations/script.py.mako",
        "models/migrations/versions/0001_initial.py",
        "services/paths.py",
        "main.py",
    }
    assert needed <= names, sorted(needed - names)
    # services.paths looks for resources/ beside the services package: in site-packages as in the source tree
    assert all(
        n.split("/")[0] in {"resources", "services", "models", "ui", "main.py"} or ".dist-info/" in n for n in names
    )
