"""services/ and models/ never load Qt: every use case must run headless (CLI, tests, a server)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def every_module(package: str) -> list[str]:
    """Every module of a package and of its subpackages (services.pdf, services.excel, …), migrations aside:
    Alembic loads those itself."""
    base = ROOT / package
    found = []
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts:
            continue
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_services_and_models_load_no_qt() -> None:
    modules = every_module("services") + every_module("models")
    assert {"services.pdf.render", "services.excel.read", "services.portal.docx", "services.published.html"} <= set(
        modules
    ), "the walk reaches the subpackages"
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "import services, models\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert len(modules) >= 40
    assert out.stdout.strip() == "[]"


def test_the_check_is_able_to_see_qt() -> None:
    # the probe above must notice Qt when it is loaded, or its silence would prove nothing
    code = "import sys, PySide6.QtCore; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
