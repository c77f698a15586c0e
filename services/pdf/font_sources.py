"""Where the PDF fonts come from: the Windows font folders, fontconfig, and extra folders (bundled fonts).

This module finds candidate files and orders them per role; of each file it reads only the family names (cached,
services.pdf.font_names). services.pdf.fonts checks each candidate (TrueType outlines, embedding allowed, cmap)
when first used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from services.pdf.font_names import FaceNames, NameCache, default_cache_file, names_of, registry_font_files

Role = Literal["title", "body", "heading1", "heading2", "page_number", "table"]
ROLES: tuple[Role, ...] = ("title", "body", "heading1", "heading2", "page_number", "table")

FC_LIST_TIMEOUT = 10.0
"""Seconds; a cold fontconfig cache is rebuilt on the first call, which can take a few seconds."""


@dataclass(frozen=True)
class Wish:
    """A typeface the layout asks for, as Windows names its files and as fontconfig names the family."""

    family: str
    files: tuple[str, ...] = ()
    fc_families: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    """A face that may serve: not yet checked for outlines, embedding flags or coverage."""

    path: Path
    index: int
    family: str


# Windows file names vary by vendor and by who installed them; these are the common ones (matched case-blind).
# The family names are what the fonts' name tables (and fontconfig) call them: a file is found by either.
XIAOBIAOSONG = Wish(
    "方正小标宋简体",
    ("fzxbsjw.ttf", "fzxbsjw--gb1-0.ttf", "方正小标宋简体.ttf"),
    ("方正小标宋简体", "FZXiaoBiaoSong-B05S"),
)
XIAOBIAOSONG_GBK = Wish(
    "方正小标宋_GBK", ("fzxbsk.ttf", "方正小标宋_gbk.ttf"), ("方正小标宋_GBK", "FZXiaoBiaoSong-B05")
)
FANGSONG_GB = Wish(
    "仿宋_GB2312",
    ("仿宋_gb2312.ttf", "fs_gb2312.ttf", "fsgb2312.ttf", "simfang_gb2312.ttf", "fangsong_gb2312.ttf"),
    ("仿宋_GB2312", "FangSong_GB2312"),
)
FANGSONG_GBK = Wish("方正仿宋_GBK", ("fzfsk.ttf", "方正仿宋_gbk.ttf"), ("方正仿宋_GBK", "FZFangSong-Z02"))
FANGSONG_FZ = Wish("方正仿宋简体", ("fzfsjw.ttf",), ("方正仿宋简体", "FZFangSong-Z02S"))
FANGSONG = Wish("FangSong", ("simfang.ttf",), ("FangSong", "仿宋"))
SIMSUN = Wish("SimSun", ("simsun.ttc", "simsun.ttf"), ("SimSun", "宋体"))
HEI_GBK = Wish("方正黑体_GBK", ("fzhtk.ttf", "方正黑体_gbk.ttf"), ("方正黑体_GBK", "FZHei-B01"))
HEI_FZ = Wish("方正黑体简体", ("fzhtjw.ttf",), ("方正黑体简体", "FZHei-B01S"))
SIMHEI = Wish("SimHei", ("simhei.ttf",), ("SimHei", "黑体"))
KAITI_GB = Wish(
    "楷体_GB2312",
    ("楷体_gb2312.ttf", "kt_gb2312.ttf", "ktgb2312.ttf", "simkai_gb2312.ttf", "kaiti_gb2312.ttf"),
    ("楷体_GB2312", "KaiTi_GB2312"),
)
KAITI_GBK = Wish("方正楷体_GBK", ("fzktk.ttf", "方正楷体_gbk.ttf"), ("方正楷体_GBK", "FZKai-Z03"))
KAITI_FZ = Wish("方正楷体简体", ("fzktjw.ttf",), ("方正楷体简体", "FZKai-Z03S"))
KAITI = Wish("KaiTi", ("simkai.ttf",), ("KaiTi", "楷体"))
# The CESI faces (中国电子技术标准化研究院) that 统信UOS and 银河麒麟 install for official documents, each in three
# character sets (GB2312, GB13000, GB18030). Kylin's control centre (ukui-control-center, its font plugin) offers
# CESI宋体/仿宋/楷体/黑体/小标宋-GB2312|GB13000|GB18030 by these Chinese family names, and UOS's terminal
# (deepin-terminal) lists the same fifteen; the files are named like CESI_FS_GB2312.ttf, and OFD readers' font
# tables map 仿宋_GB2312 to CESI_FS_GB2312 … and 方正小标宋 to CESI_XBS / CESI_XBSJ. Their outlines are checked at
# run time like any face's (TrueType outlines, embedding allowed).
CESI_SETS = ("GB2312", "GB13000", "GB18030")


def _cesi(kind: str, code: str, more: tuple[str, ...] = ()) -> Wish:
    """A CESI face in any of its three character sets, by its Chinese or English family name or file name."""
    return Wish(
        f"CESI{kind}",
        tuple(f"cesi_{code.lower()}_{charset.lower()}.ttf" for charset in CESI_SETS),
        (
            *(f"CESI{kind}-{charset}" for charset in CESI_SETS),
            *(f"CESI_{code}_{charset}" for charset in CESI_SETS),
            *more,
        ),
    )


CESI_XIAOBIAOSONG = _cesi("小标宋", "XBS", ("CESI_XBS", "CESI_XBSJ"))
CESI_FANGSONG = _cesi("仿宋", "FS")
CESI_SONG = _cesi("宋体", "SS")
CESI_HEI = _cesi("黑体", "HT")
CESI_KAI = _cesi("楷体", "KT")
# Freely licensed Debian faces (.ci/run installs them); SungtiL (报宋) is the heaviest Song there is.
SUNGTI = Wish("AR PL SungtiL GB", (), ("AR PL SungtiL GB",))
UMING = Wish("AR PL UMing CN", (), ("AR PL UMing CN",))
ZENHEI = Wish("WenQuanYi Zen Hei", (), ("WenQuanYi Zen Hei",))
MICROHEI = Wish("WenQuanYi Micro Hei", (), ("WenQuanYi Micro Hei",))
GKAI = Wish("AR PL KaitiM GB", (), ("AR PL KaitiM GB",))
UKAI = Wish("AR PL UKai CN", (), ("AR PL UKai CN",))
# Only fallbacks: YaHei and DengXian fill gaps; SimSun-ExtB/ExtG draw the rare characters of people's names.
YAHEI = Wish("Microsoft YaHei", ("msyh.ttc", "msyh.ttf"), ("Microsoft YaHei", "微软雅黑"))
DENGXIAN = Wish("DengXian", ("deng.ttf",), ("DengXian", "等线"))
SIMSUN_EXTB = Wish("SimSun-ExtB", ("simsunb.ttf",), ("SimSun-ExtB",))
SIMSUN_EXTG = Wish("SimSun-ExtG", ("simsunextg.ttf",), ("SimSun-ExtG",))

# Best first, per GB/T 9704 (layout.md): 小标宋 for the title, 仿宋 for text, 黑体 / 楷体 for headings, 宋体 for
# page numbers. The first STANDARD_COUNT[role] wishes are the faces the standard means; any later one is a
# stand-in, and the clerk is told so.
ROLE_WISHES: Mapping[Role, tuple[Wish, ...]] = {
    "title": (XIAOBIAOSONG, XIAOBIAOSONG_GBK, CESI_XIAOBIAOSONG, SIMHEI, HEI_GBK, CESI_HEI, SUNGTI, SIMSUN, UMING),
    "body": (FANGSONG_GB, FANGSONG_GBK, FANGSONG_FZ, FANGSONG, CESI_FANGSONG, SIMSUN, CESI_SONG, SUNGTI, UMING),
    "table": (FANGSONG_GB, FANGSONG_GBK, FANGSONG_FZ, FANGSONG, CESI_FANGSONG, SIMSUN, CESI_SONG, SUNGTI, UMING),
    "heading1": (HEI_GBK, SIMHEI, HEI_FZ, CESI_HEI, ZENHEI, MICROHEI),
    "heading2": (KAITI_GB, KAITI_GBK, KAITI_FZ, KAITI, CESI_KAI, GKAI, UKAI),
    "page_number": (SIMSUN, CESI_SONG, SUNGTI, UMING),
}
STANDARD_COUNT: Mapping[Role, int] = {"title": 3, "body": 5, "table": 5, "heading1": 4, "heading2": 5, "page_number": 2}
ROLE_NAMES: Mapping[Role, str] = {
    "title": "标题",
    "body": "正文",
    "table": "表格",
    "heading1": "一级标题",
    "heading2": "二级标题",
    "page_number": "页码",
}
# After a role's own wishes, any other known face may draw a character the better ones lack; Song-like first
# because most text is Song/FangSong.
FALLBACK_WISHES: tuple[Wish, ...] = (
    FANGSONG_GB,
    FANGSONG_GBK,
    FANGSONG_FZ,
    FANGSONG,
    CESI_FANGSONG,
    SIMSUN,
    CESI_SONG,
    SUNGTI,
    UMING,
    KAITI_GB,
    KAITI_GBK,
    KAITI_FZ,
    KAITI,
    CESI_KAI,
    GKAI,
    UKAI,
    HEI_GBK,
    SIMHEI,
    HEI_FZ,
    CESI_HEI,
    ZENHEI,
    MICROHEI,
    XIAOBIAOSONG,
    XIAOBIAOSONG_GBK,
    CESI_XIAOBIAOSONG,
    YAHEI,
    DENGXIAN,
    SIMSUN_EXTB,
    SIMSUN_EXTG,
)


@dataclass(frozen=True)
class Discovery:
    """The candidate faces found on this machine, ready to be ordered per role."""

    folder_files: tuple[Path, ...]
    """Files in the Windows font folders and the registry's font list, then in the extra folders."""
    fontconfig: tuple[tuple[tuple[str, ...], Found], ...]
    """(family names, face) for each TrueType simplified-Chinese face fontconfig knows."""
    extra: tuple[Found, ...]
    notes: tuple[str, ...]
    named: tuple[FaceNames, ...] = ()
    """The faces of folder_files with the family names their name tables carry."""
    choices: Mapping[Role, str] = field(default_factory=dict)
    """A family the clerk chose for a role: it goes first."""

    def chain(self, role: Role) -> tuple[Found, ...]:
        """The clerk's choice, the role's wishes in order, then every other face as a fallback; each face once."""
        seen: set[tuple[Path, int]] = set()
        out: list[Found] = []

        def add(faces: Iterable[Found]) -> None:
            for face in faces:
                key = (face.path, face.index)
                if key not in seen:
                    seen.add(key)
                    out.append(face)

        if chosen := self.choices.get(role):
            add(self.matches(Wish(chosen, (), (chosen,))))
        for wish in ROLE_WISHES[role]:
            add(self.matches(wish))
        for wish in FALLBACK_WISHES:
            add(self.matches(wish))
        # One face per file is enough as a fallback: the subfonts of a .ttc share their glyphs, and the TW/HK
        # ones draw traditional-region forms.
        files_done = {face.path for face in out}
        for _, face in self.fontconfig:
            if face.path not in files_done:
                files_done.add(face.path)
                add([face])
        add(self.extra)
        return tuple(out)

    def matches(self, wish: Wish) -> list[Found]:
        """Faces whose name table carries one of the wish's family names, or whose file is named like the wish
        (a Windows font folder first), then fontconfig's."""
        wanted = {name.casefold() for name in wish.fc_families}
        wanted_files = {name.casefold() for name in wish.files}
        out = [
            Found(face.path, face.index, wish.family)
            for face in self.named
            if any(n.casefold() in wanted for n in face.families)
        ]
        named_paths = {face.path for face in self.named if face.families}
        out += [
            Found(path, 0, wish.family)
            for path in self.folder_files
            if path.name.casefold() in wanted_files and path not in named_paths
        ]
        out += [
            Found(face.path, face.index, wish.family)
            for names, face in self.fontconfig
            if any(n.casefold() in wanted for n in names)
        ]
        return out

    def families(self) -> list[str]:
        """Every family found, for the clerk to choose from."""
        names = [face.families[0] for face in self.named if face.families and face.truetype]
        names += [n[0] for n, _ in self.fontconfig]
        return sorted(set(names))


def default_windows_dirs() -> list[Path]:
    """The system font folder and the per-user one (fonts installed "for me only" since Windows 10 1809)."""
    if sys.platform != "win32":
        return []
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def font_files(folder: Path) -> list[Path]:
    """The .ttf/.ttc files directly in a folder, sorted; an absent or unreadable folder has none."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.suffix.casefold() in (".ttf", ".ttc") and p.is_file()]


def fontconfig_faces(notes: list[str]) -> list[tuple[tuple[str, ...], Found]]:
    """TrueType faces fontconfig lists for simplified Chinese; nothing (with a note) where fc-list is missing."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        result = subprocess.run(
            [exe, ":charset=4e2d", "--format", "%{family}|%{fontformat}|%{index}|%{file}\n"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=FC_LIST_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        notes.append(f"fc-list 无法运行（{exc}），未使用 fontconfig 中的字体")
        return []
    faces: list[tuple[tuple[str, ...], Found]] = []
    for line in result.stdout.splitlines():
        parts = line.split("|", 3)
        if len(parts) != 4 or not parts[2].isdigit():
            continue
        families, fmt, index, file = parts
        names = tuple(n.strip() for n in families.split(",") if n.strip())
        if not names:
            continue
        if fmt != "TrueType":
            # CFF (Noto CJK, Fandol), bitmap and Type 1 faces cannot be embedded by ReportLab.
            notes.append(f"{file}（{names[0]}）：{fmt or '未知'} 格式，不是 TrueType 轮廓，已跳过")
            continue
        if int(index) > 0xFFFF:  # a named instance of a variable font, not a face of its own
            continue
        faces.append((names, Found(Path(file), int(index), names[0])))
    faces.sort(key=lambda item: (str(item[1].path), item[1].index))
    # Debian links some faces under a second name (fonts-japanese-mincho.ttf → HanaMinA.ttf): one face once
    unique: dict[tuple[Path, int], tuple[tuple[str, ...], Found]] = {}
    for names, face in faces:
        try:
            real = face.path.resolve()
        except OSError:
            real = face.path
        unique.setdefault((real, face.index), (names, Found(real, face.index, face.family)))
    return list(unique.values())


def discover(
    extra_dirs: Sequence[Path],
    windows_dirs: Sequence[Path] | None,
    use_fontconfig: bool,
    choices: Mapping[Role, str] | None = None,
    name_cache: NameCache | None = None,
    registry: bool = True,
) -> Discovery:
    """Find candidate faces: Windows font folders and registry, then fontconfig, then the extra folders."""
    notes: list[str] = []
    dirs = default_windows_dirs() if windows_dirs is None else list(windows_dirs)
    windows = [f for d in dirs for f in font_files(d)]
    if registry and windows_dirs is None:
        known = set(windows)
        windows += [
            f
            for f in registry_font_files(dirs)
            if f not in known and f.suffix.casefold() in (".ttf", ".ttc") and f.is_file()
        ]
    extra_files = [f for d in extra_dirs for f in font_files(d)]
    fc = fontconfig_faces(notes) if use_fontconfig else []
    extra = tuple(Found(path, 0, path.stem) for path in extra_files)
    cache = name_cache if name_cache is not None else NameCache(default_cache_file())
    named = names_of(windows + extra_files, cache)
    for face in named:
        if not face.truetype and face.families:
            notes.append(f"{face.path}（{face.families[0]}）：PostScript (CFF) 轮廓，ReportLab 只能嵌入 TrueType 轮廓")
    return Discovery(
        tuple(windows + extra_files),
        tuple(fc),
        extra,
        tuple(notes),
        tuple(f for f in named if f.truetype),
        dict(choices or {}),
    )
