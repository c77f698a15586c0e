"""Smoke test of the frozen bundle: build it with PyInstaller (unless --no-build), then run what a clerk runs.

    python packaging/smoke_test.py [--no-build] [--dist build/dist]

Checks, each against the frozen executables (never the source tree):
  1. the bundle's layout: resources/, models/migrations/ (env.py, script.py.mako, versions/*.py), ReportLab's
     data, Qt's qtbase_zh_CN.qm; and that the excluded modules (QtWebEngine, QtQuick, tkinter …) stayed out;
  2. `nianbao-cli check SAMPLE --json`: exit 0 and exactly one finding, SIGN_DATE;
  3. `nianbao-cli pdf SAMPLE -o X.pdf`: a PDF of at least 5 pages (read with pypdf), read back by `check X.pdf`
     (pdfplumber in the bundle); `fonts --folder F`: the family of a font under a meaningless file name read
     from its name table;
  4. `nianbao-cli import SAMPLE --db D` (a fresh database: the Alembic migrations run from the bundle), then
     `export AGENCY 2020 -o X.xlsx / X.docx / X.json` (openpyxl, python-docx templates, the exchange writer),
     and `backups`; `password-store`: keyring's backends found (Windows: the credential manager);
  5. the desktop app `nianbao --db D --data-dir T` offscreen with NIANBAO_SMOKE_EXIT_MS / _OPEN_SAMPLE (the
     test hook in ui/app.py): it must print "window shown" and "sample opened" and exit 0 by itself; then
     `nianbao-cli export` proves the window imported the sample into its database. (A windowed Windows exe has
     no stdout: there only the exit code and the database are checked.)
Every failure prints the frozen program's stdout and stderr. Exit status 0 = all passed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "guiyang-rfb-2020.json"
WINDOWS = sys.platform == "win32"
EXE = ".exe" if WINDOWS else ""
TIMEOUT = 120  # seconds for one frozen command (a cold start from a slow disk is a few seconds)


class SmokeFailure(Exception):
    pass


def say(text: str) -> None:
    print(text, flush=True)


def build(dist: Path) -> None:
    say("building the bundle with PyInstaller …")
    started = time.monotonic()
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(ROOT / "build" / "pyinstaller"),
        str(ROOT / "packaging" / "nianbao.spec"),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if done.returncode != 0:
        print(done.stdout[-5000:], done.stderr[-10000:], sep="\n", file=sys.stderr)
        raise SmokeFailure(f"PyInstaller failed with exit code {done.returncode}")
    for line in done.stdout.splitlines():
        if line.startswith("***"):
            say("  " + line)
    say(f"  built in {time.monotonic() - started:.0f} s")


def run(
    exe: Path, args: Sequence[str], env: dict[str, str] | None = None, expect: int | None = 0
) -> subprocess.CompletedProcess[str]:
    """Run a frozen program; its exit code must be `expect` (None: 0 or 1, an answer either way)."""
    command = [str(exe), *args]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
            env={**os.environ, **(env or {})},
            cwd=tempfile.gettempdir(),
        )
    except subprocess.TimeoutExpired as exc:
        raise SmokeFailure(
            f"{' '.join(command)} did not finish in {TIMEOUT} s\n--- stdout:\n{exc.stdout!r}"
            f"\n--- stderr:\n{exc.stderr!r}"
        ) from None
    if done.returncode != expect and not (expect is None and done.returncode in (0, 1)):
        fail(done, f"exit code {done.returncode}, expected {expect}")
    return done


def fail(done: subprocess.CompletedProcess[str], why: str) -> None:
    raise SmokeFailure(
        f"{' '.join(map(str, done.args))}: {why}\n--- stdout:\n{done.stdout}\n--- stderr:\n{done.stderr}"
    )


def check_layout(bundle: Path) -> None:
    internal = bundle / "_internal"
    must = [
        "resources/formats/2019.json",
        "resources/formats/2021.json",
        "resources/samples/guiyang-rfb-2020.json",
        "resources/rule_packs/示例-某市2025年度要求.json",
        "resources/icons/nianbao.png",
        "models/migrations/env.py",
        "models/migrations/script.py.mako",
        "models/migrations/versions/0001_initial.py",
        "docs/使用说明.md",
        "docs/guide/welcome.png",
    ]
    missing = [m for m in must if not (internal / m).is_file()]
    if not list(internal.glob("reportlab/fonts/*.afm")):
        missing.append("reportlab/fonts/*.afm (collect_data_files('reportlab'))")
    if not list(internal.glob("keyring-*.dist-info/entry_points.txt")):
        missing.append("keyring-*.dist-info/entry_points.txt (how keyring finds its backends)")
    if not list(internal.rglob("qtbase_zh_CN.qm")):
        missing.append("PySide6/Qt/translations/qtbase_zh_CN.qm")
    if missing:
        raise SmokeFailure("missing from the bundle: " + ", ".join(missing))
    names = [p.name.lower() for p in internal.rglob("*")]
    unwanted = [
        n
        for n in names
        if any(
            bad in n
            for bad in ("webengine", "qt6quick", "qt6qml", "_tkinter", "qt63d", "qt6multimedia", "qt6charts", "numpy")
        )
    ]
    if unwanted:
        raise SmokeFailure("excluded modules are in the bundle: " + ", ".join(sorted(set(unwanted))[:20]))
    stray = [p for p in internal.rglob("*.qm") if "zh_CN" not in p.name]
    if stray:
        raise SmokeFailure(f"non-Chinese Qt translations in the bundle: {[p.name for p in stray][:10]}")
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    say(f"  layout ok: {size / 2**20:.1f} MiB in {len(files)} files")


def bundle_pack(cli: Path) -> Path:
    """The example rule pack inside the bundle (beside the frozen executables, under _internal/)."""
    return cli.parent / "_internal" / "resources" / "rule_packs" / "示例-某市2025年度要求.json"


def check_cli(cli: Path, tmp: Path) -> str:
    done = run(cli, ["check", str(SAMPLE), "--json"])
    try:
        findings = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        fail(done, f"--json output is not JSON: {exc}")
    rules = [f.get("rule") for f in findings]
    if rules != ["SIGN_DATE"]:
        fail(done, f"expected exactly one SIGN_DATE finding, got {rules}")
    say("  check: exit 0, one SIGN_DATE finding")
    # the example rule pack as the bundle carries it, validated against the bundled formats
    pack = bundle_pack(cli)
    done = run(cli, ["check", str(SAMPLE), "--json", "--rules", str(pack)])
    if "上级要求：某市政务公开办 2025 年度报告要求" not in done.stderr or len(json.loads(done.stdout)) != 1:
        fail(done, "the example rule pack was not read, or it added findings to a report it does not apply to")
    say("  check --rules: the bundled example pack read and validated (it does not apply to the 2020 sample)")

    pdf = tmp / "报告.pdf"  # a Chinese file name on purpose
    done = run(cli, ["pdf", str(SAMPLE), "-o", str(pdf)])
    from pypdf import PdfReader

    if not pdf.is_file():
        fail(done, "no PDF written")
    pages = len(PdfReader(pdf).pages)
    if pages < 5:
        fail(done, f"the PDF has {pages} pages, expected at least 5")
    say(f"  pdf: {pages} pages, {pdf.stat().st_size // 1024} KiB")
    # a published PDF is read back (pdfplumber and pdfminer in the bundle): the same one finding as the sample's,
    # so every number and the date came out
    done = run(cli, ["check", str(pdf), "--json"])
    if [f.get("rule") for f in json.loads(done.stdout)] != ["SIGN_DATE"]:
        fail(done, "the printed sample did not read back as the sample")
    say("  check of the printed PDF: read back, one SIGN_DATE finding as the sample")

    # fonts are known by the names inside them: fontTools reads each file's name table (its table modules load
    # by tag, which analysis cannot see); a face under a meaningless file name must come out by its family
    import shutil

    import reportlab

    folder = tmp / "fonts"
    folder.mkdir()
    shutil.copy(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", folder / "x1.ttf")
    cache = tmp / "cache"
    done = run(cli, ["fonts", "--folder", str(folder)], env={"NIANBAO_CACHE_DIR": str(cache)})
    names = json.loads((cache / "font-names.json").read_text(encoding="utf-8"))["fonts"]
    read = [entry["faces"] for path, entry in names.items() if path.endswith("x1.ttf")]
    if not read or not any("Bitstream Vera Sans" in face[1] for face in read[0]):
        fail(done, f"the font's name table was not read: {read}")
    say("  fonts: faces listed, a font's family read from its name table")

    db = tmp / "cli.sqlite3"
    done = run(cli, ["import", str(SAMPLE), "--db", str(db)])
    agency = str(json.loads(SAMPLE.read_text(encoding="utf-8"))["agency"]["name"])
    outputs = {suffix: tmp / f"export{suffix}" for suffix in (".xlsx", ".docx", ".json")}
    for out in outputs.values():
        run(cli, ["export", agency, "2020", "-o", str(out), "--db", str(db)])
    from openpyxl import load_workbook

    workbook = load_workbook(outputs[".xlsx"], read_only=True)
    if not workbook.sheetnames:
        raise SmokeFailure("the exported workbook has no sheets")
    workbook.close()
    with zipfile.ZipFile(outputs[".docx"]) as docx:
        if "word/document.xml" not in docx.namelist():
            raise SmokeFailure("the exported .docx has no word/document.xml")
    run(cli, ["check", str(outputs[".docx"]), "--json"], expect=None)  # a published Word file is read back
    exported = json.loads(outputs[".json"].read_text(encoding="utf-8"))
    if (exported["agency"]["name"], exported["year"]) != (agency, 2020):
        raise SmokeFailure(f"the exported exchange file is for {exported.get('agency')} {exported.get('year')}")
    run(cli, ["--db", str(db), "backups"])  # backups takes --db before the command
    say(f"  import + export .xlsx/.docx/.json + backups on a fresh database: ok ({workbook.sheetnames[0]} …)")
    return agency


def check_password_store(cli: Path) -> None:
    """keyring finds its backends through entry points (its dist-info in the bundle): on Windows the credential
    manager must be there; elsewhere a machine without a Secret Service says so in Chinese (exit 1), never a
    traceback."""
    done = run(cli, ["password-store"], expect=0 if WINDOWS else None)
    if WINDOWS and "WinVaultKeyring" not in done.stdout:
        fail(done, "the frozen app does not reach Windows Credential Manager")
    if "密码保管库" not in done.stdout:
        fail(done, "no answer about the password store")
    say(f"  password store: {done.stdout.strip()[:60]}")


def check_gui(gui: Path, cli: Path, tmp: Path, agency: str) -> None:
    db = tmp / "gui.sqlite3"
    data = tmp / "data"
    env = {"QT_QPA_PLATFORM": "offscreen", "NIANBAO_SMOKE_EXIT_MS": "1500", "NIANBAO_SMOKE_OPEN_SAMPLE": "1"}
    started = time.monotonic()
    done = run(gui, ["--db", str(db), "--data-dir", str(data)], env=env)
    if not WINDOWS:  # a windowed Windows executable has no stdout
        for line in ("window shown", "sample opened"):
            if line not in done.stdout.splitlines():
                fail(done, f"no {line!r} line in the output")
    # the sample goes into a database of its own (打开示例报告), never into the clerk's
    run(cli, ["export", agency, "2020", "-o", str(tmp / "from-gui.json"), "--db", str(data / "sample.sqlite3")])
    say(f"  desktop app offscreen: window shown, sample opened and stored, exit 0 ({time.monotonic() - started:.1f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description="Smoke test of the frozen bundle.")
    parser.add_argument("--no-build", action="store_true", help="test the existing bundle")
    parser.add_argument("--dist", type=Path, default=ROOT / "build" / "dist", help="PyInstaller's dist folder")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        if not args.no_build:
            build(args.dist)
        bundle = args.dist / "nianbao"
        gui, cli = bundle / f"nianbao{EXE}", bundle / f"nianbao-cli{EXE}"
        for exe in (gui, cli):
            if not exe.is_file():
                raise SmokeFailure(f"{exe} is missing: build first (packaging/build.sh) or drop --no-build")
        check_layout(bundle)
        with tempfile.TemporaryDirectory(prefix="nianbao-smoke-") as name:
            tmp = Path(name)
            agency = check_cli(cli, tmp)
            check_password_store(cli)
            check_gui(gui, cli, tmp, agency)
    except SmokeFailure as exc:
        print(f"SMOKE TEST FAILED after {time.monotonic() - started:.0f} s: {exc}", file=sys.stderr)
        return 1
    say(f"smoke test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
