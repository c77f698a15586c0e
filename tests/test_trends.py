"""历年对比: the series are the stored reports' cells, year by year (2019 and 2021 formats mapped by their row
groups), a missing year or an empty cell is a gap and never 0, X_SWING's changes are flagged exactly where the
checks flag them; the charts show those values, as PNG and in the 审核报告."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import cast

import pdfplumber
import pytest
from openpyxl import load_workbook
from PIL import Image

from main import run
from models.database import Database
from services.aggregate import set_agency_parent
from services.checks import check_report, recompute_totals
from services.pdf.fonts import FontSet, resolve_fonts
from services.pdf.render import render_check_report
from services.report import Report
from services.trend_charts import PALETTE, chart_values, trend_charts
from services.trend_export import chart_png, table_rows
from services.trend_reports import TrendSubject
from services.trends import Trends, build_trends, kind_label
from services.workspace import Workspace
from tests.factories import filled_report
from tests.stored import save

AGENCY = "某某市交通运输局"
YEARS = {2019: "2019", 2020: "2019", 2021: "2021"}
"""Three years across both formats."""
OTHER_ROWS = {"2019": ("other",), "2021": ("other_no_fix", "other_no_fee", "other_misc")}
DENY_ROWS = tuple(
    f"deny_{k}" for k in ("secret", "law", "safety", "third_party", "internal", "process", "enforcement", "query")
)


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return resolve_fonts()


def reports(years: dict[int, str] = YEARS, agency: str = AGENCY) -> list[Report]:
    return [filled_report(fid, year=year, agency=agency, seed=year) for year, fid in years.items()]


def stored(db: Database, given: list[Report]) -> Trends:
    for report in given:
        save(db, report)
    return Workspace(db).trends(TrendSubject(given[0].agency))


def with_review_total(report: Report, total: int) -> Report:
    """表四 行政复议 with `total` cases, all upheld (the row total recomputed)."""
    for col in ("upheld", "corrected", "other", "pending"):
        report.cells[("t4", "review", col)] = total if col == "upheld" else 0
    recompute_totals(report)
    return report


# ---------------------------------------------------------------- values


def test_series_are_the_stored_cells_year_by_year(db: Database) -> None:
    given = reports()
    trends = stored(db, given)
    assert trends.years == (2019, 2020, 2021) and trends.stored == {2019, 2020, 2021}
    for i, report in enumerate(given):
        fid = report.format_id
        cell = report.cells.__getitem__
        for col in ("natural", "business", "research", "ngo", "legal", "other_org", "total"):
            assert trends.get(f"t3/new/{col}").values[i] == cell(("t3", "new", col))
        assert trends.get("t3/carried_in/total").values[i] == cell(("t3", "carried_in", "total"))
        assert trends.get("t3/carried_out/total").values[i] == cell(("t3", "carried_out", "total"))
        assert trends.get("t3/result/予以公开").values[i] == cell(("t3", "granted", "total"))
        assert trends.get("t3/result/部分公开").values[i] == cell(("t3", "partial", "total"))
        assert trends.get("t3/result/不予公开").values[i] == sum(cell(("t3", r, "total")) for r in DENY_ROWS)
        assert trends.get("t3/result/其他处理").values[i] == sum(cell(("t3", r, "total")) for r in OTHER_ROWS[fid])
        assert trends.get("t3/total_handled/total").values[i] == cell(("t3", "total_handled", "total"))
        for col in ("upheld", "corrected", "other", "pending"):
            assert trends.get(f"t4/行政复议/{col}").values[i] == cell(("t4", "review", col))
            suits = cell(("t4", "suit_direct", col)) + cell(("t4", "suit_after_review", col))
            assert trends.get(f"t4/行政诉讼/{col}").values[i] == suits
        assert trends.get("t4/review/total").values[i] == cell(("t4", "review", "total"))
        for row in ("licensing", "penalty", "coercion"):
            assert trends.get(f"t2/{row}/decisions").values[i] == cell(("t2", row, "decisions"))
        # 2019's 本年新制作数量 is compared as 2021's 本年制发件数, and the notes say so
        made = "made" if fid == "2019" else "issued"
        assert trends.get("t2/normative/issued").values[i] == cell(("t2", "normative", made))


def test_the_result_kinds_are_the_six_of_both_formats_in_order() -> None:
    trends = build_trends(AGENCY, reports())
    kinds = [s.label for s in trends.in_group("results") if not s.total]
    assert kinds == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert kind_label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"


def test_the_formats_and_their_differences_are_said() -> None:
    trends = build_trends(AGENCY, reports())
    assert [(f.format_id, f.years) for f in trends.formats] == [("2019", (2019, 2020)), ("2021", (2021,))]
    assert trends.formats[0].text().startswith("2019–2020年报告：2019 年格式（国办公开办函〔2019〕60号）")
    other = next(n for n in trends.notes if n.startswith("其他处理："))
    assert "2019 年格式为“（六）其他处理”一行" in other and "2021 年格式为“（六）其他处理”下 3 项之和" in other
    assert any("规范性文件·本年新制作数量" in n for n in trends.notes)
    # a column only renamed (处理决定数量 → 本年处理决定数量) is the same cell: nothing to say
    assert not any(n.startswith("行政许可") for n in trends.notes)
    # one format only: nothing differs
    assert build_trends(AGENCY, reports({2021: "2021", 2022: "2021"})).notes == ()


def test_a_missing_year_is_a_gap_not_zero(db: Database) -> None:
    trends = stored(db, reports({2019: "2019", 2021: "2021", 2022: "2021"}))
    assert trends.years == (2019, 2020, 2021, 2022) and 2020 not in trends.stored
    assert trends.year_label(2020) == "2020年（无报告）"
    for series in trends.series:
        assert series.values[1] is None
        assert series.change(1) is None and series.change(2) is None  # no change across a gap
    assert trends.get("t3/new/total").change(3) is not None


def test_an_empty_cell_is_unknown_and_so_is_a_sum_over_it(db: Database) -> None:
    given = reports({2021: "2021", 2022: "2021"})
    del given[1].cells[("t3", "other_no_fee", "total")]
    del given[1].cells[("t3", "new", "ngo")]
    trends = stored(db, given)
    assert trends.get("t3/result/其他处理").values == (
        sum(given[0].cells[("t3", r, "total")] for r in OTHER_ROWS["2021"]),
        None,
    )
    assert trends.get("t3/new/ngo").values[1] is None
    assert trends.get("t3/result/予以公开").values[1] == given[1].cells[("t3", "granted", "total")]


# ---------------------------------------------------------------- flagged changes


def test_a_swing_is_flagged_where_the_checks_flag_it(db: Database) -> None:
    before, now = reports({2021: "2021", 2022: "2021"})
    with_review_total(before, 12)
    with_review_total(now, 70)  # 5.8 times: beyond the format's 5
    trends = stored(db, [before, now])
    [swing] = [f for f in check_report(now, before) if f.rule == "X_SWING"]
    review = trends.get("t4/review/total")
    assert review.values == (12, 70)
    assert review.flags == (None, swing.message)
    assert [(s.series, s.year) for s in trends.swings()] == [("t4/review/total", 2022)]
    assert "5" in trends.swing_rule and "0.2" in trends.swing_rule and "10" in trends.swing_rule


@pytest.mark.parametrize(("before", "now"), [(12, 59), (9, 70), (12, 12)])
def test_no_flag_within_the_threshold_or_below_the_minimum(before: int, now: int) -> None:
    first, second = reports({2021: "2021", 2022: "2021"})
    trends = build_trends(AGENCY, [with_review_total(first, before), with_review_total(second, now)])
    assert trends.get("t4/review/total").flags == (None, None)


def test_no_flag_across_a_missing_year() -> None:
    first, second = reports({2020: "2019", 2022: "2021"})
    trends = build_trends(AGENCY, [with_review_total(first, 12), with_review_total(second, 70)])
    assert trends.swings() == ()


def test_a_parent_bodys_units_are_summed_year_by_year(db: Database) -> None:
    units = ("某县教育局", "某县财政局")
    given = [r for unit in units for r in reports({2021: "2021", 2022: "2021"}, agency=unit)]
    for report in given:
        save(db, report)
    save(db, filled_report("2021", year=2022, agency="某县人民政府办公室"))
    with db.transaction() as session:
        for unit in units:
            set_agency_parent(session, unit, "某县人民政府办公室")
    space = Workspace(db)
    assert TrendSubject("某县人民政府办公室", units=True) in space.trend_subjects()
    trends = space.trends(TrendSubject("某县人民政府办公室", units=True))
    assert trends.subject == "某县人民政府办公室（下属单位逐年汇总）"
    for i, year in enumerate((2021, 2022)):
        expected = sum(r.cells[("t3", "new", "total")] for r in given if r.year == year)
        assert trends.get("t3/new/total").values[i] == expected


# ---------------------------------------------------------------- charts and files


def test_the_charts_show_the_series_values(fonts: FontSet) -> None:
    given = reports({2019: "2019", 2021: "2021"})
    trends = build_trends(AGENCY, given)
    charts = {c.key: c for c in trend_charts(trends, fonts)}
    assert list(charts) == ["received", "results", "carried", "appeals", "t2"]
    received = chart_values(charts["received"])
    assert received["自然人"] == [
        given[0].cells[("t3", "new", "natural")],
        None,
        given[1].cells[("t3", "new", "natural")],
    ]
    assert "新收申请合计" not in received  # the total is written above the stack, not stacked on it
    assert charts["received"].chart.categoryAxis.categoryNames == ["2019年", "2020年\n无报告", "2021年"]
    assert list(chart_values(charts["appeals"])) == ["行政复议·总计", "未经复议直接起诉·总计", "复议后起诉·总计"]
    assert chart_values(charts["results"])["其他处理"][2] == sum(
        given[1].cells[("t3", r, "total")] for r in OTHER_ROWS["2021"]
    )


def test_a_chart_png_has_the_bars_in_their_colours(fonts: FontSet) -> None:
    trends = build_trends(AGENCY, reports({2021: "2021", 2022: "2021"}))
    chart = trend_charts(trends, fonts)[0]
    image = Image.open(io.BytesIO(chart_png(chart, scale=2))).convert("RGB")
    assert image.size == (round(chart.drawing.width * 2), round(chart.drawing.height * 2))
    counts = cast(list[tuple[int, tuple[int, int, int]]], image.getcolors(maxcolors=1 << 20) or [])
    first_series = tuple(round(c * 255) for c in PALETTE[0].rgb())
    assert first_series in {colour for _, colour in counts}  # the first series' bars are drawn…
    assert sum(n for n, colour in counts if sum(colour) < 200) > 500  # …and the text and axes


def test_the_check_report_gains_the_trends_pages(db: Database, fonts: FontSet) -> None:
    before, now = reports({2021: "2021", 2022: "2021"})
    with_review_total(before, 12)
    with_review_total(now, 70)
    trends = stored(db, [before, now])
    findings = check_report(now, before)
    plain = render_check_report(now, findings, fonts)
    with_trends = render_check_report(now, findings, fonts, trends=trends)
    with pdfplumber.open(io.BytesIO(plain)) as pdf:
        pages = len(pdf.pages)
    with pdfplumber.open(io.BytesIO(with_trends)) as pdf:
        assert len(pdf.pages) > pages
        added = "".join(page.extract_text() for page in pdf.pages[pages:])
    text = re.sub(r"\s", "", added)
    assert f"历年对比：{AGENCY}" in text and "2021年" in text and "2022年" in text
    assert "2021–2022年报告：2021年格式" in text
    for key in ("t3/new/total", "t3/total_handled/total", "t3/carried_out/total"):
        for value in trends.get(key).values:
            assert str(value) in text
    assert "70↑" in text  # the flagged bar's figure, in red with its arrow
    assert "为上年的5.83倍" in text  # and the check's own words


def test_the_command_writes_pngs_and_the_table(db: Database, tmp_path: Path) -> None:
    given = reports()
    trends = stored(db, given)
    out = io.StringIO()
    folder = tmp_path / "趋势"
    assert run(["--db", str(db.url_for_display), "trends", AGENCY, "-o", str(folder)], out) == 0
    pngs = sorted(p.name for p in folder.glob("*.png"))
    assert pngs == sorted(["本年新收申请.png", "办理结果.png", "结转.png", "行政复议和行政诉讼.png", "主动公开.png"])
    for name in pngs:
        with Image.open(folder / name) as image:
            assert image.size[0] > 1000
    with (folder / "历年对比.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == table_rows(trends)
    sheet = load_workbook(folder / "历年对比.xlsx").worksheets[0]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "新收申请合计")
    assert list(row[2:]) == [r.cells[("t3", "new", "total")] for r in given]


def test_the_check_report_command_takes_the_history_from_the_database(db: Database, tmp_path: Path) -> None:
    from services.documents import write_report_file

    given = reports()
    for report in given[:2]:
        save(db, report)
    write_report_file(given[2], tmp_path / "r.json")
    out = io.StringIO()
    argv = ["--db", str(db.url_for_display), "pdf", str(tmp_path / "r.json"), "-o", str(tmp_path / "r.pdf")]
    assert run([*argv, "--check-report", str(tmp_path / "c.pdf"), "--trends"], out) == 0
    assert "附历年对比图" in out.getvalue()
    with pdfplumber.open(tmp_path / "c.pdf") as pdf:
        text = re.sub(r"\s", "", "".join(page.extract_text() for page in pdf.pages))
    assert "2019–2020年报告：2019年格式" in text and "2021年报告：2021年格式" in text


def test_trends_without_a_check_report_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["pdf", str(tmp_path / "r.json"), "-o", str(tmp_path / "r.pdf"), "--trends"]
    assert run(argv, io.StringIO()) == 2
    assert "--check-report" in capsys.readouterr().err
