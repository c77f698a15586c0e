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


def _imports() -> dict[str, set[str]]:
    """Every project module of models/ and services/ with the project modules it imports (anywhere in it)."""
    import ast

    modules = {
        name: ROOT / (name.replace(".", "/") + ".py") for name in every_module("models") + every_module("services")
    }
    for name in list(modules):
        if not modules[name].exists():  # a package: its __init__
            modules[name] = ROOT / name.replace(".", "/") / "__init__.py"
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def test_models_never_import_services_and_no_module_imports_itself_round_about() -> None:
    graph = _imports()
    upward = sorted(
        (a, b) for a, deps in graph.items() for b in deps if a.startswith("models") and b.startswith("services")
    )
    assert upward == [], "models/ is the layer below services/"

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in graph[start])

    cycles = sorted(name for name in graph if reaches(name, name, {name}))
    # a package's __init__ re-exporting its own modules is no cycle of substance
    cycles = [name for name in cycles if not any(other.startswith(name + ".") for other in graph)]
    assert cycles == [], f"modules in an import cycle: {cycles}"


def test_the_window_opens_no_transaction() -> None:
    # every use case the window offers is a call of services/ (services/workspace.py, services/editing.py) that the
    # command line can make too: no `db.transaction()`, no `Session` in ui/
    offenders = [
        f"{path.name}:{n}"
        for path in sorted((ROOT / "ui").glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".transaction(" in line or "sqlalchemy" in line
    ]
    assert offenders == []
