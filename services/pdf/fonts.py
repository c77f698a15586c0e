"""The faces that draw each role of the printed report, with per-character fallback.

ReportLab draws nothing and raises nothing for a character its font lacks (platform.md), so every string is
split into runs by the fonts' own cmaps before drawing, and a character that no face covers is an error that
names it. Only embeddable TrueType faces are used: never ReportLab's built-in CID fonts, which are not embedded.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from services.errors import NianbaoError, describe_os_error
from services.paths import resource_path
from services.pdf import reportlab_fixes
from services.pdf.font_cache import parsed_face, registered_font
from services.pdf.font_names import NameCache
from services.pdf.font_sources import ROLE_NAMES, ROLE_WISHES, ROLES, STANDARD_COUNT, Discovery, Role, discover

__all__ = ["ROLES", "Face", "FontSet", "MissingGlyphError", "NoFontError", "Role", "resolve_fonts"]


reportlab_fixes.apply()


class MissingGlyphError(NianbaoError):
    """No available face has a glyph for a character of the text."""

    def __init__(self, char: str, where: str) -> None:
        shown = f"“{char}”" if char.isprintable() else "不可见字符"
        super().__init__(
            f"{where}中的{shown}（U+{ord(char):04X}）在本机所有可用字体中都没有字形，打印出来会是空白。"
            "请改用常用写法，或安装含有此字的字体后重试。"
        )
        self.char = char
        self.where = where


class NoFontError(NianbaoError):
    """Not a single usable Chinese TrueType face was found."""


_BLANK = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
"""Unicode categories whose characters rightly have no outline."""


class _Loaded:
    """A face's coverage, asked character by character (building the set of a 40,000-glyph font up front costs
    more than a report asks)."""

    def __init__(self, ttf: Any, problem: str | None) -> None:
        self.problem = problem
        self._cmap: dict[int, int] = ttf.charToGlyph if ttf is not None and problem is None else {}
        self._pos: list[int] = ttf.glyphPos if ttf is not None and problem is None else []
        self._known: dict[int, bool] = {}

    def covers(self, code: int) -> bool:
        known = self._known.get(code)
        if known is None:
            # A cmap entry may point at an empty outline (AR PL SungtiL GB has blank ⅰ–ⅹ and vertical forms):
            # such a character prints as a blank, so only whitespace and control/format characters may have one.
            glyph = self._cmap.get(code, 0)
            pos = self._pos
            known = self._known[code] = 0 < glyph < len(pos) - 1 and (
                pos[glyph + 1] > pos[glyph] or unicodedata.category(chr(code)) in _BLANK
            )
        return known


@cache
def _load(path: Path, index: int) -> _Loaded:
    """Read a face once per process; a face ReportLab cannot embed covers nothing and says why."""
    from reportlab.pdfbase.ttfonts import TTFError

    try:
        ttf = parsed_face(path, index)
    except TTFError as exc:
        return _Loaded(None, _explain(str(exc)))
    except OSError as exc:
        return _Loaded(None, f"无法读取：{describe_os_error(exc)}")
    except (ValueError, IndexError, KeyError, struct.error):
        return _Loaded(None, "文件已损坏，不是有效的 TrueType 字体")
    return _Loaded(ttf, _embedding_problem(ttf))


def _embedding_problem(ttf: Any) -> str | None:
    """Why the font's licence flags (OS/2 fsType) forbid embedding its outlines as a subset, or None.

    ReportLab 5.1 means to refuse such fonts but does not (its allowTTFSubsetting test is inverted), so the
    flags are read here. Restricted-licence (2), bitmap-only (0x200) and no-subsetting (0x100: ReportLab always
    subsets a font of more than 255 glyphs) all rule a face out; preview-and-print (4) and editable (8) are fine.
    """
    if "OS/2" not in ttf.table:
        return None
    ttf.seek_table("OS/2")
    ttf.skip(8)  # version, xAvgCharWidth, usWeightClass, usWidthClass
    fs_type = int(ttf.read_ushort())
    if fs_type & 0x000F == 0x0002 or fs_type & 0x0300:
        return f"字体授权不允许嵌入 PDF（fsType 0x{fs_type:04X}）"
    return None


def _explain(message: str) -> str:
    if "subsetting/embedding" in message:  # should ReportLab start refusing such fonts itself
        flags = re.search(r"\(([0-9A-Fa-f]+)\)", message)
        return f"字体授权不允许嵌入 PDF（fsType 0x{flags.group(1) if flags else '?'}）"
    if "postscript outlines" in message:
        return "PostScript (CFF) 轮廓，ReportLab 只能嵌入 TrueType 轮廓"
    return f"不是可用的 TrueType 字体（{message}）"


def _neutral(char: str) -> bool:
    """Whitespace, format characters and variation selectors: drawn (or not) by whatever face is current."""
    return (
        char.isspace()
        or unicodedata.category(char) == "Cf"
        or "\ufe00" <= char <= "\ufe0f"
        or ("\U000e0100" <= char <= "\U000e01ef")
    )


_RUNS_CACHED = 20_000
"""Strings whose runs a FontSet remembers (a report has a few thousand)."""


@dataclass(frozen=True)
class Face:
    """One face of a font file; `name` is what it is registered as with ReportLab (for setFont / <font name>)."""

    name: str
    family: str
    path: Path
    index: int = 0

    @classmethod
    def at(cls, path: Path, index: int = 0, family: str | None = None) -> Face:
        """A face with a registration name unique to its file and subfont index."""
        digest = hashlib.sha1(f"{path.resolve()}#{index}".encode()).hexdigest()[:8]
        slug = re.sub(r"[^A-Za-z0-9]+", "", path.stem)[:24] or "font"
        return cls(f"NB-{slug}-{index}-{digest}", family or path.stem, path, index)

    def covers(self, char: str) -> bool:
        return _load(self.path, self.index).covers(ord(char))

    @property
    def problem(self) -> str | None:
        """Why this face cannot be used (not TrueType, embedding forbidden, unreadable), or None."""
        return _load(self.path, self.index).problem

    def register(self) -> str:
        """Register with ReportLab if not yet done (idempotent); returns the name."""
        from reportlab.pdfbase import pdfmetrics

        if self.name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(registered_font(self.name, self.path, self.index))
        return self.name


class FontSet:
    """The faces for each role, best first, with fallbacks checked against the fonts' cmaps."""

    def __init__(
        self,
        candidates: Mapping[Role, Sequence[Face]],
        notes: Sequence[str] = (),
        standards: Mapping[Role, Sequence[str]] | None = None,
    ) -> None:
        """`candidates` per role, best first, unchecked: faces that cannot be embedded are dropped on first use.
        `standards`: the families the layout means for a role; another face serving it is a stand-in."""
        self._candidates = {role: tuple(candidates.get(role, ())) for role in ROLES}
        self._notes = tuple(notes)
        self._standards = {role: tuple((standards or {}).get(role, ())) for role in ROLES}
        self._chains: dict[Role, tuple[Face, ...]] = {}
        self._picks: dict[tuple[Role, str], Face | None] = {}
        self._runs: dict[tuple[Role, str], list[tuple[Face, str]]] = {}

    @classmethod
    def uniform(cls, faces: Sequence[Face]) -> FontSet:
        """The same chain for every role (tests, and a document printed in one face)."""
        return cls(dict.fromkeys(ROLES, tuple(faces)))

    def chain(self, role: Role) -> tuple[Face, ...]:
        """Usable faces for the role, best first; the first is registered with ReportLab."""
        faces = self._chains.get(role)
        if faces is None:
            faces = self._chains[role] = tuple(f for f in self._candidates[role] if f.problem is None)
            if faces:
                faces[0].register()
        return faces

    def first_usable(self, role: Role) -> Face | None:
        """The role's best usable face, reading only as many font files as it takes to find it (the whole
        chain, fallbacks and all, is read only when a character needs it)."""
        known = self._chains.get(role)
        if known is not None:
            return known[0] if known else None
        face = next((f for f in self._candidates[role] if f.problem is None), None)
        if face is not None:
            face.register()
        return face

    def require(self) -> None:
        """Raise NoFontError, saying exactly that, when not one Chinese TrueType face is usable at all."""
        if not any(self.first_usable(role) for role in ROLES):
            raise NoFontError(
                "本机没有安装可用于打印的中文 TrueType 字体（如仿宋、宋体、黑体、楷体），无法生成PDF。"
                "请安装字体后重试。",
                list(self.skipped()),
            )

    def substitutions(self) -> list[str]:
        """For each role served by a stand-in, which face stands in and why the standard one does not serve."""
        out: list[str] = []
        for role in ROLES:
            wanted = self._standards[role]
            first = self.first_usable(role)
            if not wanted or (first is not None and first.family in wanted):
                continue
            if role == "table" and first is not None and first == self.first_usable("body"):
                continue  # the table's stand-in is the body's, said once
            used = first.family if first is not None else "（无可用字体）"
            unusable = [f for f in self._candidates[role] if f.family in wanted and f.problem is not None]
            if unusable:
                face = unusable[0]
                why = f"{face.family}（{face.path.name}）{face.problem}"
            else:
                why = f"未安装{'、'.join(wanted)}"
            out.append(f"{ROLE_NAMES[role]}：{why}，改用{used}")
        return out

    def primary(self, role: Role) -> Face:
        face = self.first_usable(role)
        if face is None:
            raise NoFontError(
                "本机没有可用于打印的中文 TrueType 字体（例如仿宋、宋体、黑体）。请安装字体后重试。",
                list(self.skipped()),
            )
        return face

    def runs(self, text: str, role: Role, where: str) -> list[tuple[Face, str]]:
        """Split text into maximal runs, each drawn by the first face of the chain that covers it.

        Whitespace stays with the current run when that face has it (a newline, which no face has, always
        does; leading whitespace that no face has goes with the first run). Raises MissingGlyphError for a
        character no face covers. Every face returned is registered with ReportLab.
        """
        cached = self._runs.get((role, text))
        if cached is not None:  # layout measures the same strings again and again (table heights, title)
            return cached
        out: list[tuple[Face, list[str]]] = []
        leading: list[str] = []  # whitespace before the first run that no face draws, such as a newline
        for char in text:
            face = self._first(char, role)
            if face is None and not _neutral(char):
                raise MissingGlyphError(char, where)
            if face is None or (_neutral(char) and out and out[-1][0].covers(char)):
                (out[-1][1] if out else leading).append(char)
            elif out and out[-1][0] == face:
                out[-1][1].append(char)
            else:
                out.append((face, [*leading, char]))
                leading = []
        if leading:  # nothing but whitespace
            out.append((self.primary(role), leading))
        for face in {face for face, _ in out}:
            face.register()
        result = [(face, "".join(chars)) for face, chars in out]
        if len(self._runs) > _RUNS_CACHED:
            self._runs.clear()
        self._runs[(role, text)] = result
        return result

    def check(self, text: str, role: Role, where: str) -> None:
        """Raise MissingGlyphError for the first character of text that no face of the role covers."""
        for char in text:
            if self._first(char, role) is None and not _neutral(char):
                raise MissingGlyphError(char, where)

    def describe(self) -> dict[Role, str]:
        """The family that serves each role (for the app's font information and the log)."""
        return {role: face.family if (face := self.first_usable(role)) else "（无可用字体）" for role in ROLES}

    def skipped(self) -> tuple[str, ...]:
        """Why faces were left out (not TrueType, embedding forbidden, unreadable), for the log."""
        bad = {f for faces in self._candidates.values() for f in faces if f.problem is not None}
        return self._notes + tuple(f"{f.path}（{f.family}）：{f.problem}" for f in sorted(bad, key=lambda f: f.name))

    def _first(self, char: str, role: Role) -> Face | None:
        key = (role, char)
        if key not in self._picks:
            # candidates in order, each file read only when the ones before it lack the character
            self._picks[key] = next((f for f in self._candidates[role] if f.problem is None and f.covers(char)), None)
        return self._picks[key]


def _font_set(discovery: Discovery) -> FontSet:
    faces: dict[tuple[Path, int, str], Face] = {}

    def face(path: Path, index: int, family: str) -> Face:
        return faces.setdefault((path, index, family), Face.at(path, index, family))

    standards = {role: [w.family for w in ROLE_WISHES[role][: STANDARD_COUNT[role]]] for role in ROLES}
    for role, chosen in discovery.choices.items():
        standards[role] = [chosen, *standards[role]]  # the clerk's own choice is no stand-in
    return FontSet(
        {role: [face(f.path, f.index, f.family) for f in discovery.chain(role)] for role in ROLES},
        discovery.notes,
        standards,
    )


def resolve_fonts(
    extra_dirs: Sequence[Path] = (),
    *,
    windows_dirs: Sequence[Path] | None = None,
    use_fontconfig: bool = True,
    choices: Mapping[Role, str] | None = None,
    name_cache: NameCache | None = None,
) -> FontSet:
    """The fonts of this machine per role: Windows font folders and registry, fontconfig, then extra_dirs and
    resources/fonts; `choices` puts a family the clerk chose first for its role.

    Cheap: of each file only the family names are read (and cached); no outline is parsed until a chain is used.
    Cached per process for the default arguments.
    """
    if not extra_dirs and windows_dirs is None and use_fontconfig and name_cache is None:
        return _chosen_fonts(tuple(sorted((choices or {}).items()))) if choices else _default_fonts()
    return _font_set(discover([*extra_dirs, resource_path("fonts")], windows_dirs, use_fontconfig, choices, name_cache))


@cache
def _chosen_fonts(choices: tuple[tuple[Role, str], ...]) -> FontSet:
    return _font_set(discover([resource_path("fonts")], None, True, dict(choices)))


def available_families() -> list[str]:
    """Every TrueType family this machine has that the clerk may choose for a role."""
    return discover([resource_path("fonts")], None, True).families()


@cache
def _default_fonts() -> FontSet:
    return _font_set(discover([resource_path("fonts")], None, True))
