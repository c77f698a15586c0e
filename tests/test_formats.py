"""The format files against the specification, character for character, and the loader's refusals."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from services.errors import FormatFileError
from services.format_reader import load_format, parse_format
from services.formats import ReportFormat, all_formats, format_for_year
from services.paths import resource_path

FORMAT_IDS = ("2019", "2021")


@pytest.fixture(scope="module")
def spec(shared_dir: Path) -> str:
    return (shared_dir / "spec" / "formats.md").read_text(encoding="utf-8")


def _segment(text: str, start: str, end: str | None) -> str:
    i = text.index(start)
    j = text.index(end, i + len(start)) if end else len(text)
    return text[i:j]


def _pairs(text: str) -> list[tuple[str, str]]:
    """Every `**key**: `label`` or `**key** `label`` in a piece of the spec."""
    return re.findall(r"\*\*(\w+)\*\*:?\s*`([^`]+)`", text)


def fmt(fid: str) -> ReportFormat:
    return all_formats()[fid]


def test_both_formats_load_and_cover_their_years() -> None:
    assert set(all_formats()) == set(FORMAT_IDS)
    assert [format_for_year(y).id for y in (2019, 2020, 2021, 2030)] == ["2019", "2019", "2021", "2021"]


@pytest.mark.parametrize("fid", FORMAT_IDS)
def test_section_titles_and_narrative_headings(spec: str, fid: str) -> None:
    f = fmt(fid)
    rows = re.findall(r"^\| \*\*(s\d)\*\* \| `([^`]+)` \|", spec, re.M)
    assert len(rows) == 6
    assert [(s.key, s.title) for s in f.sections] == rows
    s1_spec = _pairs(_segment(spec, "Section 一's sub-topics", "A report may also"))
    assert [(t.key, t.heading) for t in f.sections[0].texts] == s1_spec
    assert [t.key for t in f.sections[4].texts] == ["s5_problems", "s5_improvements"]
    assert [t.key for t in f.sections[5].texts] == ["s6_other"]
    assert f.has_fee_fields() is (fid == "2021")


@pytest.mark.parametrize(
    ("fid", "start", "end"),
    [("2021", "### format 2021", "### format 2019"), ("2019", "### format 2019", "## Table t3")],
)
def test_t2_captions_rows_and_columns(spec: str, fid: str, start: str, end: str) -> None:
    seg = _segment(spec, start, end)
    table = fmt(fid).table("t2")
    lines = [ln for ln in seg.splitlines() if ln.startswith("| `")]
    assert len(lines) == len(table.blocks)
    known_cols: dict[str, str] = {}
    for line, block in zip(lines, table.blocks, strict=True):
        caption_cell, rows_cell, cols_cell = line.strip("|").split("|")[:3]
        assert block.caption == re.search(r"`([^`]+)`", caption_cell).group(1)  # type: ignore[union-attr]
        assert block.corner == "信息内容"
        assert [(r.key, r.label) for r in block.rows] == _pairs(rows_cell)
        known_cols.update(_pairs(cols_cell))
        col_keys = re.findall(r"\*\*(\w+)\*\*", cols_cell)
        assert [c.key for c in block.columns] == col_keys
        for col in block.columns:
            assert col.label == known_cols[col.key], (block.caption, col.key)
            signed = f"**{col.key}** (signed)" in cols_cell or f"`{col.label}` (signed)" in cols_cell
            assert (col.kind == "signed") == signed
            assert (col.kind == "amount") == ("decimal in 万元" in cols_cell and col.key == "amount")
    assert table.grid_columns == int(re.search(r"\((\d) physical columns\)", seg).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("fid", FORMAT_IDS)
def test_t3_rows_columns_and_note(spec: str, fid: str) -> None:
    seg = _segment(spec, "## Table t3", "## Table t4")
    table = fmt(fid).table("t3")
    expected_rows = []
    for key, label, note in re.findall(r"^\| \*\*(\w+)\*\* \| `([^`]+)`([^|]*)\|", seg, re.M):
        only = re.search(r"\*\*(\d{4}) only\*\*", note)
        if only is None or only.group(1) == fid:
            expected_rows.append((key, label))
    assert [(r.key, r.label) for r in table.rows()] == expected_rows
    assert len(expected_rows) == {"2019": 23, "2021": 25}[fid]
    # group labels (三、…, （三）不予公开 …) as the spec names them under "under"
    groups = set(re.findall(r"`([三（][^`]*)`", seg)) - {label for _, label in expected_rows}
    used = {p for r in table.rows() for p in r.parents}
    assert used <= groups and "三、本年度办理结果" in used
    cols_text = _segment(seg, "Columns (both versions)", "The three header rows")
    assert [(c.key, c.label) for c in table.blocks[0].columns] == _pairs(cols_text)
    tree = table.column_tree
    assert tree[0].label == "申请人情况"
    assert [n.label for n in tree[0].children] == ["自然人", "法人或其他组织", "总计"]
    note = re.search(r"note\n?\s*`([^`]+)`", seg)
    assert note is not None and table.corner == note.group(1)
    assert table.label_columns == 3
    assert all(c.kind == "count" for c in table.cells)


@pytest.mark.parametrize("fid", FORMAT_IDS)
def test_t4_rows_columns(spec: str, fid: str) -> None:
    seg = _segment(spec, "## Table t4", "## Cell values")
    table = fmt(fid).table("t4")
    rows_text = _segment(seg, "\nrows:", "\ncolumns:")
    cols_text = _segment(seg, "\ncolumns:", "\n\n")
    assert [(r.key, r.label) for r in table.rows()] == _pairs(rows_text)
    assert [(c.key, c.label) for c in table.blocks[0].columns] == _pairs(cols_text)
    assert [(g.label, len(g.rows)) for g in table.row_groups] == [("行政复议", 1), ("行政诉讼", 2)]
    assert sum(len(table.blocks[0].columns) for _ in table.rows()) == 15


@pytest.mark.parametrize("fid", FORMAT_IDS)
def test_computed_totals(fid: str) -> None:
    f = fmt(fid)
    computed = {c.key for c in f.cell_specs() if c.computed}
    t3 = f.table("t3")
    expected = {("t3", r.key, "total") for r in t3.rows()} | {("t3", "total_handled", c) for c in t3.column_keys()}
    expected |= {("t4", r, "total") for r in ("review", "suit_direct", "suit_after_review")}
    assert computed == expected


# ---------------------------------------------------------------- malformed format files


def _raw(fid: str = "2021") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("formats", f"{fid}.json").read_text(encoding="utf-8"))
    return data


def _set(d: dict[str, Any], path: list[Any], value: Any) -> None:
    for p in path[:-1]:
        d = d[p]
    if value is _DELETE:
        del d[path[-1]]
    else:
        d[path[-1]] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (["schema"], 2, "$.schema"),
        (["id"], _DELETE, "$.id"),
        (["tables", 1, "kind"], "percent", "$.tables[1].kind"),
        (["tables", 1, "layout"], "circle", "$.tables[1].layout"),
        (["tables", 0, "blocks", 0, "columns", 0, "span"], 2, "$.tables[0].blocks[0]"),
        (["tables", 0, "blocks", 1, "rows", 0, "key"], "rules", "重复"),
        (["tables", 1, "rows", 0, "key"], "New Row", "$.tables[1].rows[0].key"),
        (["rules", 0, "left", 0], "nonexistent", "$.rules[0].left[0]"),
        (["rules", 0, "per"], "diagonal", "$.rules[0].per"),
        (["rules", 1, "left"], ["total_handled", "new"], "$.rules[1].left"),
        (["text_numbers", 0, "pattern"], "收到(\\d+", "$.text_numbers[0].pattern"),
        (["text_numbers", 0, "pattern"], "收到\\d+件", "捕获组"),
        (["text_numbers", 0, "cells", 0], ["t3", "new", "nobody"], "$.text_numbers[0].cells[0]"),
        (["cross_year", "swing", "max_ratio"], -1, "$.cross_year.swing"),
        (["cross_year", "carry_over", "from_row"], _DELETE, "$.cross_year.carry_over.from_row"),
        (["cross_year", "in_force", "stock"], 7, "$.cross_year.in_force.stock"),
        (["fees", "keywords"], "信息处理费", "$.fees.keywords"),
        (["sections", 1, "table"], "t9", "$.sections[1].table"),
        (["sections", 0, "texts", 1, "key"], "s1_active", "重复"),
        (["years", "to"], 1999, "$.years.to"),
    ],
)
def test_malformed_format_is_refused_naming_the_problem(path: list[Any], value: Any, named: str) -> None:
    data = copy.deepcopy(_raw())
    _set(data, path, value)
    with pytest.raises(FormatFileError) as info:
        parse_format(data, "2021.json")
    assert named in str(info.value)
    assert "2021.json" in str(info.value)


def test_format_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "2030.json"
    bad.write_text('{"schema": 1,', encoding="utf-8")
    with pytest.raises(FormatFileError, match="不是有效的 JSON"):
        load_format(bad)


def test_format_file_id_must_match_name(tmp_path: Path) -> None:
    other = tmp_path / "2030.json"
    other.write_text(json.dumps(_raw()), encoding="utf-8")
    with pytest.raises(FormatFileError, match="文件名"):
        load_format(other)


def test_format_objects_are_immutable() -> None:
    f = fmt("2021")
    with pytest.raises(AttributeError):
        f.id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        f.table("t3")._by_key[("new", "x")] = None  # type: ignore[index]
