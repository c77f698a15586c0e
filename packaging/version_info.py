"""The Windows version resource (Explorer's Properties → Details) built from pyproject.toml's version.

Used by nianbao.spec; writes the text form that PyInstaller's EXE(version=…) reads, so that this module needs
neither PyInstaller nor pefile (and can be checked on Linux). Run it alone to print the resource:

    python packaging/version_info.py
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One string table per language: Explorer shows the one matching the user's UI language.
STRINGS = {
    "080404B0": {  # Chinese (PRC), UTF-16
        "CompanyName": "年报项目组",
        "FileDescription": "年报 — 政府信息公开工作年度报告",
        "ProductName": "年报",
        "LegalCopyright": "© 年报项目组",
    },
    "040904B0": {  # English (US), UTF-16
        "CompanyName": "Nianbao project",
        "FileDescription": "Nianbao — government information disclosure annual reports",
        "ProductName": "Nianbao",
        "LegalCopyright": "© Nianbao project",
    },
}


def project() -> dict[str, str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        data = tomllib.load(f)["project"]
    return {"name": data["name"], "version": data["version"]}


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'0.1.0' → (0, 1, 0, 0); a pre-release or local suffix ('1.2.0rc1', '1.2.0+abc') is dropped."""
    match = re.match(r"^\d+(\.\d+)*", version)
    if match is None:
        raise ValueError(f"version {version!r} does not start with a number")
    numbers = [int(n) for n in match.group(0).split(".")][:4]
    a, b, c, d = [*numbers, 0, 0, 0, 0][:4]
    return a, b, c, d


def version_text(version: str, original_filename: str = "nianbao.exe") -> str:
    v = version_tuple(version)
    dotted = ".".join(str(n) for n in v)

    def table(lang: str) -> str:
        fields = {
            **STRINGS[lang],
            "FileVersion": dotted,
            "ProductVersion": version,
            "InternalName": original_filename.removesuffix(".exe"),
            "OriginalFilename": original_filename,
        }
        rows = "".join(f"          StringStruct({k!r}, {v!r}),\n" for k, v in fields.items())
        return f"      StringTable({lang!r}, [\n{rows}      ]),\n"

    return f"""# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
{"".join(table(lang) for lang in STRINGS)}    ]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200, 0x0409, 1200])]),
  ]
)
"""


def write_version_file(path: Path, original_filename: str = "nianbao.exe") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(version_text(project()["version"], original_filename), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(version_text(project()["version"]))
