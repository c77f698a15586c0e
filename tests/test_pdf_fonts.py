"""The PDF faces: every role resolves to an embeddable TrueType face, and every character is covered or named.

This machine and CI have the Debian CJK TrueType fonts (.ci/run installs them), so nothing here is skipped.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import struct
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from services.errors import NianbaoError
from services.formats import all_formats
from services.pdf.font_names import NameCache
from services.pdf.font_sources import ROLE_WISHES
from services.pdf.fonts import ROLES, Face, FontSet, MissingGlyphError, NoFontError, Role, resolve_fonts

SAMPLE = Path(__file__).resolve().parent / "data" / "guiyang-rfb-2020.txt"
DEBIAN = Path("/usr/share/fonts/truetype")
SUNGTI = DEBIAN / "arphic-gbsn00lp" / "gbsn00lp.ttf"
KAITI = DEBIAN / "arphic-gkai00mp" / "gkai00mp.ttf"
MICROHEI = DEBIAN / "wqy" / "wqy-microhei.ttc"
PRINTED_EXTRAS = "0123456789 — 1 — — 2 —  2021年1月20日 （）()〔〕【】“”‘’；：，。、！？%％·…—— ABCXYZabcxyz"


def _strings(value: object) -> Iterator[str]:
    """Every string inside a format object: labels, titles, captions, corners, short names, templates."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def _pdf_with(face: Face, text: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont(face.register(), 16)
    canvas.drawString(72, 700, text)
    canvas.save()
    return out.getvalue()


def _patched(src: Path, dst: Path, edit: object) -> Path:
    """A copy of a TrueType file with one table edited in place or replaced (appended at the end)."""
    data = bytearray(src.read_bytes())
    num_tables = struct.unpack_from(">H", data, 4)[0]
    tables = {bytes(data[12 + 16 * i : 16 + 16 * i]): 12 + 16 * i for i in range(num_tables)}
    assert callable(edit)
    edit(data, tables)
    dst.write_bytes(bytes(data))
    return dst


def _without_ascii(src: Path, dst: Path) -> Path:
    """The font with a new cmap (3,10 format 12) that maps everything but ASCII: a primary lacking Latin.

    U+00A0 goes too: ReportLab draws a space with the no-break space's glyph when the font has no space.
    """
    from reportlab.pdfbase.ttfonts import TTFontFile

    mapping = sorted((c, g) for c, g in TTFontFile(str(src)).charToGlyph.items() if c >= 0x80 and c != 0xA0 and g)
    groups = b"".join(struct.pack(">III", c, c, g) for c, g in mapping)
    sub = struct.pack(">HHIII", 12, 0, 16 + len(groups), 0, len(mapping)) + groups
    cmap = struct.pack(">HHHHI", 0, 1, 3, 10, 12) + sub

    def edit(data: bytearray, tables: dict[bytes, int]) -> None:
        data.extend(b"\0" * (-len(data) % 4))
        struct.pack_into(">II", data, tables[b"cmap"] + 8, len(data), len(cmap))
        data.extend(cmap)

    return _patched(src, dst, edit)


def _fs_type(value: int) -> object:
    def edit(data: bytearray, tables: dict[bytes, int]) -> None:
        offset = struct.unpack_from(">I", data, tables[b"OS/2"] + 8)[0]
        struct.pack_into(">H", data, offset + 8, value)  # version, xAvgCharWidth, weight, width, then fsType

    return edit


def _renamed(
    src: Path, dst: Path, families: list[str], ps_name: str = "NianbaoTestFace", fs_type: int | None = None
) -> Path:
    """A copy of a TrueType file whose name table calls it `families` (Chinese and English records), as an
    office's 仿宋_GB2312 or 方正 _GBK faces do whatever their file is called."""
    from fontTools.ttLib import newTable

    table = newTable("name")
    table.names = []
    # the Chinese family under zh-CN, the English one under en-US (the name table keeps one per language)
    for family, lang in zip(families if len(families) > 1 else families * 2, (0x804, 0x409), strict=False):
        table.setName(family, 1, 3, 1, lang)
        table.setName(family, 4, 3, 1, lang)
    table.setName(ps_name, 6, 3, 1, 0x409)
    blob = table.compile(None)

    def edit(data: bytearray, tables: dict[bytes, int]) -> None:
        data.extend(b"\0" * (-len(data) % 4))
        struct.pack_into(">II", data, tables[b"name"] + 8, len(data), len(blob))
        data.extend(blob)
        if fs_type is not None:
            _fs_type(fs_type)(data, tables)  # type: ignore[operator]

    return _patched(src, dst, edit)


def _cff_header(data: bytearray, tables: dict[bytes, int]) -> None:
    data[0:4] = b"OTTO"


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_resolves_to_an_embeddable_truetype_face(fonts: FontSet, role: Role) -> None:
    face = fonts.primary(role)
    assert face is fonts.chain(role)[0]
    assert face.problem is None
    # one of the faces the layout asks for (Windows or Debian), not some arbitrary fallback
    assert face.family in {w.family for w in ROLE_WISHES[role]}
    assert face.covers("中") and face.covers("年")
    sample = "2020年 政府信息公开 — 1 —"
    assert all(face.covers(c) for c in sample)
    pdf = _pdf_with(face, sample)
    assert b"/FontFile2" in pdf  # a TrueType subset is embedded ...
    assert b"STSong" not in pdf and b"/CIDFontType0" not in pdf  # ... never a non-embedded CID font


def test_the_chain_offers_fallbacks_and_describe_names_the_families(fonts: FontSet) -> None:
    for role in ROLES:
        chain = fonts.chain(role)
        assert len(chain) >= 2
        assert len({(f.path, f.index) for f in chain}) == len(chain)
        assert len({f.name for f in chain}) == len(chain)
    described = fonts.describe()
    assert set(described) == set(ROLES)
    assert described["heading1"] != described["body"]  # 黑体 headings are not drawn in the text face
    assert all(described[r] == fonts.primary(r).family for r in ROLES)


def test_body_chain_covers_the_sample_report_and_every_format_label(fonts: FontSet) -> None:
    labels = {s for fmt in all_formats().values() for s in _strings(fmt)}
    assert any("依申请" in s for s in labels)  # the walk reached the tables' row labels
    texts = [SAMPLE.read_text(encoding="utf-8"), *sorted(labels), PRINTED_EXTRAS, "年月日"]
    for role in ("body", "table", "title", "heading1", "heading2"):
        for i, text in enumerate(texts):
            fonts.check(text, role, f"样本{i}")
            runs = fonts.runs(text, role, f"样本{i}")
            assert "".join(part for _, part in runs) == text
            for face, part in runs:
                assert all(face.covers(c) for c in part if not c.isspace())
    # the digits and punctuation of a page number are drawn by the page-number face itself
    assert [face for face, _ in fonts.runs("— 12 —", "page_number", "页码")] == [fonts.primary("page_number")]


def test_a_blank_outline_in_the_cmap_is_not_coverage(fonts: FontSet) -> None:
    # AR PL SungtiL GB maps the small roman numerals to empty glyphs: they would print as blanks
    sungti = Face.at(SUNGTI)
    assert not sungti.covers("ⅰ") and sungti.covers("Ⅰ") and sungti.covers("A") and sungti.covers(" ")
    assert fonts.primary("body").path == SUNGTI
    ((face, _),) = fonts.runs("ⅰ", "body", "正文")
    assert face.path != SUNGTI and face.covers("ⅰ")
    # 〇 (U+3007) is outside GB2312: a date written 二〇二〇年 needs a fallback for the zero alone
    assert not sungti.covers("〇")
    runs = fonts.runs("二〇二〇年", "body", "正文")
    assert [part for _, part in runs] == ["二", "〇", "二", "〇", "年"]
    assert runs[0][0].path == SUNGTI and runs[1][0].path != SUNGTI


def test_a_windows_font_folder_wins_over_fontconfig(tmp_path: Path) -> None:
    # faces are known by the family names inside them, whatever their files are called
    _renamed(SUNGTI, tmp_path / "A1.TTF", ["仿宋", "FangSong"])
    _renamed(SUNGTI, tmp_path / "b2.ttf", ["黑体", "SimHei"])
    _renamed(KAITI, tmp_path / "c3.ttf", ["楷体", "KaiTi"])
    fonts = resolve_fonts(windows_dirs=[tmp_path], name_cache=NameCache(None))
    assert fonts is not resolve_fonts()
    expected: dict[Role, tuple[str, str]] = {
        "body": ("A1.TTF", "FangSong"),
        "table": ("A1.TTF", "FangSong"),
        "heading1": ("b2.ttf", "SimHei"),
        "heading2": ("c3.ttf", "KaiTi"),
        "title": ("b2.ttf", "SimHei"),
    }
    for role, (name, family) in expected.items():
        face = fonts.primary(role)
        assert (face.path, face.family) == (tmp_path / name, family)
        assert fonts.describe()[role] == family
    # fontconfig's faces still follow as fallbacks
    assert SUNGTI in [f.path for f in fonts.chain("body")]
    assert fonts.primary("page_number").path == SUNGTI  # no SimSun in the folder
    # as on Windows, where there is no fontconfig: only the folder's faces
    alone = resolve_fonts(windows_dirs=[tmp_path], use_fontconfig=False, name_cache=NameCache(None))
    assert [f.path.name for f in alone.chain("body")] == ["A1.TTF", "c3.ttf", "b2.ttf"]
    assert alone.primary("page_number").family == "FangSong"  # SimSun is missing: the best other face
    assert alone.substitutions() == [
        "标题：未安装方正小标宋简体、方正小标宋_GBK、CESI小标宋，改用SimHei",
        "页码：未安装SimSun、CESI宋体，改用FangSong",
    ]


def test_the_founder_gbk_set_and_gb2312_faces_are_found_by_their_names(tmp_path: Path) -> None:
    _renamed(SUNGTI, tmp_path / "FZXBSK.TTF", ["方正小标宋_GBK", "FZXiaoBiaoSong-B05"])
    _renamed(SUNGTI, tmp_path / "FS_GB2312.ttf", ["仿宋_GB2312", "FangSong_GB2312"])
    _renamed(SUNGTI, tmp_path / "random-name.ttf", ["方正仿宋_GBK", "FZFangSong-Z02"])
    _renamed(SUNGTI, tmp_path / "h.ttf", ["方正黑体_GBK", "FZHei-B01"])
    _renamed(KAITI, tmp_path / "k.ttf", ["方正楷体_GBK", "FZKai-Z03"])
    _renamed(SUNGTI, tmp_path / "song.ttf", ["宋体", "SimSun"])
    fonts = resolve_fonts(windows_dirs=[tmp_path], use_fontconfig=False, name_cache=NameCache(None))
    chosen = {role: (fonts.primary(role).path.name, fonts.primary(role).family) for role in ROLES}
    assert chosen == {
        "title": ("FZXBSK.TTF", "方正小标宋_GBK"),
        "body": ("FS_GB2312.ttf", "仿宋_GB2312"),
        "table": ("FS_GB2312.ttf", "仿宋_GB2312"),
        "heading1": ("h.ttf", "方正黑体_GBK"),
        "heading2": ("k.ttf", "方正楷体_GBK"),
        "page_number": ("song.ttf", "SimSun"),
    }
    assert fonts.substitutions() == []
    # the clerk may choose a role's face in the app: 方正仿宋_GBK for the body rather than 仿宋_GB2312
    mine = resolve_fonts(
        windows_dirs=[tmp_path], use_fontconfig=False, name_cache=NameCache(None), choices={"body": "方正仿宋_GBK"}
    )
    assert mine.primary("body").path.name == "random-name.ttf" and mine.substitutions() == []


def test_the_cesi_faces_of_uos_and_kylin_serve_every_role_as_standard_faces(tmp_path: Path) -> None:
    # as 统信UOS / 银河麒麟 install them: Chinese family names in the name table, any file name, three charsets
    _renamed(SUNGTI, tmp_path / "CESI_XBS_GB18030.TTF", ["CESI小标宋-GB18030", "CESI_XBS"])
    _renamed(SUNGTI, tmp_path / "CESI_FS_GB2312.TTF", ["CESI仿宋-GB2312", "CESI_FS_GB2312"])
    _renamed(SUNGTI, tmp_path / "x.ttf", ["CESI黑体-GB13000", "CESI_HT_GB13000"])
    _renamed(KAITI, tmp_path / "k.ttf", ["CESI楷体-GB2312", "CESI_KT_GB2312"])
    _renamed(SUNGTI, tmp_path / "s.ttf", ["CESI宋体-GB2312", "CESI_SS_GB2312"])
    fonts = resolve_fonts(windows_dirs=[tmp_path], use_fontconfig=False, name_cache=NameCache(None))
    chosen = {role: (fonts.primary(role).path.name, fonts.primary(role).family) for role in ROLES}
    assert chosen == {
        "title": ("CESI_XBS_GB18030.TTF", "CESI小标宋"),
        "body": ("CESI_FS_GB2312.TTF", "CESI仿宋"),
        "table": ("CESI_FS_GB2312.TTF", "CESI仿宋"),
        "heading1": ("x.ttf", "CESI黑体"),
        "heading2": ("k.ttf", "CESI楷体"),
        "page_number": ("s.ttf", "CESI宋体"),
    }
    assert fonts.substitutions() == []  # the faces GB/T 9704 means, not stand-ins
    # a Windows 仿宋_GB2312 installed by the clerk still comes first
    _renamed(SUNGTI, tmp_path / "FS_GB2312.ttf", ["仿宋_GB2312", "FangSong_GB2312"])
    fonts = resolve_fonts(windows_dirs=[tmp_path], use_fontconfig=False, name_cache=NameCache(None))
    assert fonts.primary("body").family == "仿宋_GB2312"


def test_a_collection_is_read_by_its_members_names(tmp_path: Path) -> None:
    shutil.copy(MICROHEI, tmp_path / "X1.TTC")
    from services.pdf.font_names import read_names

    members = read_names(tmp_path / "X1.TTC")
    assert [m.index for m in members] == [0, 1]
    assert "WenQuanYi Micro Hei" in members[0].families and "WenQuanYi Micro Hei Mono" in members[1].families
    fonts = resolve_fonts(windows_dirs=[tmp_path], use_fontconfig=False, name_cache=NameCache(None))
    face = fonts.primary("heading1")
    assert (face.path.name, face.index, face.family) == ("X1.TTC", 0, "WenQuanYi Micro Hei")
    assert (
        "一级标题：未安装方正黑体_GBK、SimHei、方正黑体简体、CESI黑体，改用WenQuanYi Micro Hei" in fonts.substitutions()
    )


def test_a_title_face_that_may_not_be_embedded_is_replaced_and_the_clerk_told(tmp_path: Path) -> None:
    _renamed(SUNGTI, tmp_path / "fzxbsjw.ttf", ["方正小标宋简体", "FZXiaoBiaoSong-B05S"], fs_type=0x0002)
    _renamed(SUNGTI, tmp_path / "hei.ttf", ["黑体", "SimHei"])
    fonts = resolve_fonts(windows_dirs=[tmp_path], use_fontconfig=False, name_cache=NameCache(None))
    assert fonts.primary("title").family == "SimHei"
    assert fonts.substitutions()[0] == (
        "标题：方正小标宋简体（fzxbsjw.ttf）字体授权不允许嵌入 PDF（fsType 0x0002），改用SimHei"
    )


def test_with_no_chinese_face_at_all_the_pdf_says_exactly_that(tmp_path: Path) -> None:
    from services.pdf.render import render_report
    from tests.factories import filled_report

    shutil.copy(DEBIAN / "dejavu" / "DejaVuSans.ttf", tmp_path / "latin.ttf")  # a font, but not a Chinese one
    fonts = resolve_fonts(windows_dirs=[tmp_path], use_fontconfig=False, name_cache=NameCache(None))
    with pytest.raises(NoFontError) as caught:
        render_report(filled_report("2021"), fonts=fonts)
    assert "没有安装可用于打印的中文 TrueType 字体" in str(caught.value)


def test_font_names_are_read_once_and_again_only_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import services.pdf.font_names as font_names

    folder = tmp_path / "fonts"
    folder.mkdir()
    _renamed(SUNGTI, folder / "f.ttf", ["仿宋_GB2312"])
    reads: list[Path] = []
    real = font_names.read_names

    def counting(path: Path) -> list[font_names.FaceNames]:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(font_names, "read_names", counting)
    cache_file = tmp_path / "cache" / "names.json"
    for _ in range(2):
        fonts = resolve_fonts(windows_dirs=[folder], use_fontconfig=False, name_cache=NameCache(cache_file))
        assert fonts.primary("body").family == "仿宋_GB2312"
    assert reads == [folder / "f.ttf"], "the second start reads the names from the cache"
    _renamed(SUNGTI, folder / "f.ttf", ["方正仿宋_GBK"])  # replaced by another face
    fonts = resolve_fonts(windows_dirs=[folder], use_fontconfig=False, name_cache=NameCache(cache_file))
    assert fonts.primary("body").family == "方正仿宋_GBK" and len(reads) == 2


def test_runs_split_when_the_primary_lacks_ascii(tmp_path: Path) -> None:
    no_ascii = Face.at(_without_ascii(SUNGTI, tmp_path / "noascii.ttf"), family="no ASCII")
    latin = Face.at(MICROHEI, 0, "WenQuanYi Micro Hei")
    assert no_ascii.problem is None
    assert no_ascii.covers("中") and not no_ascii.covers("A") and not no_ascii.covers("1")
    assert not no_ascii.covers(" ")
    fonts = FontSet.uniform([no_ascii, latin])
    assert fonts.runs("ABC中文123", "body", "正文") == [(latin, "ABC"), (no_ascii, "中文"), (latin, "123")]
    # whitespace stays in the current run when its face has it, else goes to a face that has it
    assert fonts.runs("AB CD中", "body", "正文") == [(latin, "AB CD"), (no_ascii, "中")]
    assert fonts.runs("中 文\n", "body", "正文") == [(no_ascii, "中"), (latin, " "), (no_ascii, "文\n")]
    assert fonts.runs("", "body", "正文") == []
    assert fonts.runs("\n", "body", "正文") == [(no_ascii, "\n")]
    pdf = _pdf_with(no_ascii, "中文")  # the patched file is still a valid, embeddable font
    assert b"/FontFile2" in pdf


def test_a_character_no_face_covers_is_an_error_that_names_it(fonts: FontSet) -> None:
    every_face = {f for role in ROLES for f in fonts.chain(role)}
    candidates = ["\U0002a6d6", "\U0001f600", "\U000f0000"]
    missing = next(c for c in candidates if not any(f.covers(c) for f in every_face))
    code = f"U+{ord(missing):04X}"
    with pytest.raises(MissingGlyphError) as caught:
        fonts.runs(f"申请人张{missing}华", "body", "表二 第3行")
    assert caught.value.char == missing and caught.value.where == "表二 第3行"
    assert code in str(caught.value) and "表二 第3行" in str(caught.value)
    assert isinstance(caught.value, NianbaoError)
    with pytest.raises(MissingGlyphError, match=re.escape(code)):
        fonts.check(f"标题{missing}", "title", "标题")
    fonts.check("标题", "title", "标题")


@pytest.mark.parametrize("make", ["random", "cff", "no-embedding", "empty"])
def test_an_unusable_font_file_is_skipped_with_a_reason(tmp_path: Path, make: str) -> None:
    bad = tmp_path / "x.ttf"
    if make == "random":
        bad.write_bytes(bytes(range(256)) * 40)
    elif make == "cff":
        _patched(SUNGTI, bad, _cff_header)
    elif make == "no-embedding":
        _patched(SUNGTI, bad, _fs_type(0x0002))  # "restricted licence embedding"
    else:
        bad.write_bytes(b"")
    good = _renamed(KAITI, tmp_path / "bundled.ttf", ["Bundled Kai"])  # a face no role asks for
    fonts = resolve_fonts([tmp_path])
    for role in ROLES:
        paths = [f.path for f in fonts.chain(role)]
        assert bad not in paths
        assert paths[-1] == good  # an extra folder's faces come last, as fallbacks
    reason = next(s for s in fonts.skipped() if "x.ttf" in s)
    if make == "no-embedding":
        assert "不允许嵌入" in reason and "0x0002" in reason
    if make == "cff":
        assert "CFF" in reason


@pytest.mark.parametrize(
    ("fs_type", "allowed"),
    [
        (0x0000, True),
        (0x0004, True),
        (0x0008, True),  # installable, preview & print, editable
        (0x0002, False),
        (0x0200, False),
        (0x0104, False),  # restricted, bitmap only, no subsetting
    ],
)
def test_a_windows_face_whose_licence_forbids_embedding_falls_back(tmp_path: Path, fs_type: int, allowed: bool) -> None:
    # ReportLab 5.1 embeds such a font without complaint, so the flags are checked by services.pdf.fonts
    _renamed(SUNGTI, tmp_path / "simfang.ttf", ["仿宋", "FangSong"], fs_type=fs_type)
    fonts = resolve_fonts(windows_dirs=[tmp_path], name_cache=NameCache(None))
    body = fonts.primary("body")
    assert (body.family, body.path) == (
        ("FangSong", tmp_path / "simfang.ttf") if allowed else ("AR PL SungtiL GB", SUNGTI)
    )
    refused = [s for s in fonts.skipped() if "simfang.ttf" in s]
    reason = f"{tmp_path / 'simfang.ttf'}（FangSong）：字体授权不允许嵌入 PDF（fsType 0x{fs_type:04X}）"
    assert refused == ([] if allowed else [reason])


def test_without_any_face_primary_says_so() -> None:
    fonts = FontSet.uniform([])
    assert fonts.chain("body") == ()
    with pytest.raises(NoFontError, match="字体"):
        fonts.primary("body")
    assert fonts.describe()["title"] == "（无可用字体）"
    with pytest.raises(MissingGlyphError):
        fonts.runs("中", "body", "正文")


def test_resolving_twice_returns_the_cached_set() -> None:
    assert resolve_fonts() is resolve_fonts()
    assert resolve_fonts(use_fontconfig=False) is not resolve_fonts(use_fontconfig=False)


def test_a_face_is_parsed_once_and_then_read_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.pdfbase import ttfonts

    import services.pdf.font_cache as font_cache

    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    font = shutil.copy(KAITI, tmp_path / "kai.ttf")
    parses: list[str] = []
    real_init = ttfonts.TTFontFile.__init__

    def counting(self: object, filename: str, *args: object, **kwargs: object) -> None:
        parses.append(filename)
        real_init(self, filename, *args, **kwargs)

    monkeypatch.setattr(ttfonts.TTFontFile, "__init__", counting)
    first = font_cache.parsed_face.__wrapped__(Path(font), 0)
    assert parses == [str(font)]
    again = font_cache.parsed_face.__wrapped__(Path(font), 0)  # a new process: from the cache, no parse
    assert parses == [str(font)]
    assert again.charToGlyph == first.charToGlyph and again.glyphPos == first.glyphPos
    assert again._pdfScale(2048) == first._pdfScale(2048)
    # the cached face embeds like a parsed one
    face = Face.at(Path(font), 0, "KaiTi")
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(font_cache.registered_font(face.name + "-cached", Path(font), 0))
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont(face.name + "-cached", 16)
    canvas.drawString(72, 700, "政府信息公开")
    canvas.save()
    assert b"/FontFile2" in out.getvalue()
    from pypdf import PdfReader

    assert "政府信息公开" in PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    import os

    os.utime(font, ns=(1, 1))  # the file changed: parsed again
    font_cache.parsed_face.__wrapped__(Path(font), 0)
    assert len(parses) == 2
