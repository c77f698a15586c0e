"""The family names inside font files (the OpenType `name` table), so a face is found by what it is, not by
what its file happens to be called: 仿宋_GB2312 arrives as FangSong_GB2312.ttf, FS_GB2312.ttf or FZFSK.TTF.

fontTools reads only the table directory and the name table of each file (a few kB of a 10–20 MB font). What it
finds is kept in the user's cache folder, keyed by path, size and modification time, so a Windows font folder of
several hundred files is read once, not at every start.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_VERSION = 1
_NAME_IDS = (1, 16, 4)
"""Family, typographic family, full name: 方正 faces put their Chinese family in 1 or 16 depending on version."""


@dataclass(frozen=True)
class FaceNames:
    path: Path
    index: int
    families: tuple[str, ...]
    truetype: bool
    """glyf outlines (ReportLab embeds only these; CFF faces such as Noto CJK it cannot)."""


def read_names(path: Path) -> list[FaceNames]:
    """The faces of a .ttf/.otf/.ttc with their family names; nothing for a file that is not a font."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        # opened here: fontTools leaves the file open when its constructor fails
        with path.open("rb") as file:
            if path.suffix.casefold() == ".ttc":
                collection = TTCollection(file, lazy=True)
                return [_face(path, i, font) for i, font in enumerate(collection.fonts)]
            return [_face(path, 0, TTFont(file, lazy=True))]
    except (TTLibError, OSError, ValueError, KeyError, IndexError, AssertionError, UnicodeDecodeError, struct.error):
        return []


def _face(path: Path, index: int, font: Any) -> FaceNames:
    names: list[str] = []
    table = font["name"] if "name" in font else None  # noqa: SIM401 (a TTFont has no .get)
    for record in getattr(table, "names", ()):
        if record.nameID not in _NAME_IDS:
            continue
        try:
            text = record.toUnicode().strip()
        except UnicodeDecodeError:
            continue
        if text and text not in names:
            names.append(text)
    return FaceNames(path, index, tuple(names), "glyf" in font)


class NameCache:
    """Family names per font file, remembered across runs in a JSON file (never trusted when stale)."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        if file is not None:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                if data.get("version") == CACHE_VERSION and isinstance(data.get("fonts"), dict):
                    self._entries = data["fonts"]
            except (OSError, ValueError, AttributeError):
                pass

    def faces(self, path: Path) -> list[FaceNames]:
        try:
            stat = path.stat()
        except OSError:
            return []
        key = str(path)
        stamp = [stat.st_size, stat.st_mtime_ns]
        entry = self._entries.get(key)
        if entry is not None and entry.get("stamp") == stamp:
            faces: Any = entry.get("faces", [])
            return [FaceNames(path, int(i), tuple(str(n) for n in names), bool(tt)) for i, names, tt in faces]
        found = read_names(path)
        self._entries[key] = {"stamp": stamp, "faces": [[f.index, list(f.families), f.truetype] for f in found]}
        self._dirty = True
        return found

    def save(self) -> None:
        if self.file is None or not self._dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"version": CACHE_VERSION, "fonts": self._entries}, ensure_ascii=False), encoding="utf-8"
            )
            os.replace(tmp, self.file)
            self._dirty = False
        except OSError:
            pass  # a cache that cannot be written only costs time


def default_cache_file() -> Path | None:
    from services.pdf.font_cache import user_cache_folder

    return None if os.environ.get("NIANBAO_NO_FONT_CACHE") else user_cache_folder() / "font-names.json"


def names_of(files: Iterable[Path], cache: NameCache) -> list[FaceNames]:
    out: list[FaceNames] = []
    for path in files:
        out += cache.faces(path)
    cache.save()
    return out


def registry_font_files(fonts_dirs: Sequence[Path]) -> list[Path]:
    """The font files Windows has registered (system-wide and per user), wherever they lie; nothing elsewhere.

    A font installed by a vendor's installer may sit outside the font folders and be known only here.
    """
    if sys.platform != "win32":
        return []
    import winreg

    key_path = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"
    found: list[Path] = []
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(hive, key_path) as key:
                count = winreg.QueryInfoKey(key)[1]
                for i in range(count):
                    _name, value, _kind = winreg.EnumValue(key, i)
                    if not isinstance(value, str) or not value:
                        continue
                    path = Path(value)
                    if not path.is_absolute():  # a bare file name is relative to the system font folder
                        path = (fonts_dirs[0] if fonts_dirs else Path()) / value
                    found.append(path)
        except OSError:
            continue
    return found
