"""Each font file parsed once: in the process (coverage, licence flags and ReportLab's registration share one
parse) and across runs (the parsed tables kept in the user's cache folder, keyed by path, index, size, mtime and
ReportLab's version), so the first PDF of a session does not pay for reading 10–20 MB font files.

The cache holds what ReportLab's parser found, without the file's bytes; the bytes are read again (a plain read,
no parsing) because subsetting needs them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

CACHE_FORMAT = 1
_NOT_KEPT = ("_ttf_data", "_pdfScale")
"""The file's bytes (read again) and ReportLab's unit scale, a lambda that cannot be pickled (made again)."""


class _Scale:
    """ReportLab's font-unit → 1/1000 em scale (TTFontFile.extractInfo makes it as a lambda)."""

    def __init__(self, units_per_em: int) -> None:
        self.factor = 1000 / units_per_em

    def __call__(self, value: float) -> float:
        return value if self.factor == 1 else value * self.factor


def cache_folder() -> Path | None:
    return user_cache_folder() / "font-faces" if not os.environ.get("NIANBAO_NO_FONT_CACHE") else None


def user_cache_folder() -> Path:
    """The user's cache folder (%LOCALAPPDATA%\\Nianbao\\Cache on Windows); NIANBAO_CACHE_DIR overrides it (tests)."""
    if override := os.environ.get("NIANBAO_CACHE_DIR"):
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("Nianbao", appauthor=False))


def _key(path: Path, index: int) -> str | None:
    import reportlab

    try:
        stat = path.stat()
    except OSError:
        return None
    text = f"{CACHE_FORMAT}|{reportlab.Version}|{path.resolve()}|{index}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _from_disk(path: Path, key: str) -> Any | None:
    from reportlab.pdfbase.ttfonts import TTFontFace

    folder = cache_folder()
    if folder is None:
        return None
    try:
        with (folder / f"{key}.pickle").open("rb") as file:
            state = pickle.load(file)
        face = TTFontFace.__new__(TTFontFace)
        face.__dict__.update(state)
        face._ttf_data = path.read_bytes()
        face._pdfScale = _Scale(face.unitsPerEm)
        return face
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None


def _to_disk(face: Any, key: str) -> None:
    folder = cache_folder()
    if folder is None:
        return
    state = {k: v for k, v in face.__dict__.items() if k not in _NOT_KEPT}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{key}.{os.getpid()}.tmp"
        with tmp.open("wb") as file:
            pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{key}.pickle")
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a cache that cannot be written only costs time


@cache
def parsed_face(path: Path, index: int) -> Any:
    """ReportLab's TTFontFace of a face (charInfo included), from the cache or parsed now; raises what
    ReportLab's parser raises for a file it cannot read."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    key = _key(path, index)
    if key is not None and (face := _from_disk(path, key)) is not None:
        return face
    face = TTFontFace(str(path), subfontIndex=index)
    if key is not None:
        _to_disk(face, key)
    return face


def registered_font(name: str, path: Path, index: int) -> Any:
    """A ReportLab TTFont over the already parsed face (TTFont itself would parse the file a second time)."""
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont

    font = TTFont.__new__(TTFont)
    # what TTFont.__init__ (ReportLab 4–5) sets, with the face it would have parsed
    font.fontName = name
    font.face = parsed_face(path, index)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = False  # no text shaping: Chinese needs none, and it wants uharfbuzz
    return font
