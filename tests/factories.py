"""Reports for tests: filled with varied numbers whose totals agree, in either format."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from services.checks import recompute_totals
from services.exchange import read_exchange
from services.report import Report, empty_report

SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "guiyang-rfb-2020.json"
SAMPLE_TEXT = Path(__file__).resolve().parent / "data" / "guiyang-rfb-2020.txt"
"""The sample as published text (a copy of ../shared/samples/guiyang-rfb-2020.txt, so a bare clone has it)."""


def sample_report() -> Report:
    """The real published report of resources/samples (2019 format, year 2020), as read by the app."""
    return read_exchange(SAMPLE)


def filled_report(
    format_id: str = "2021", year: int | None = None, agency: str = "某某市某某局", seed: int = 1
) -> Report:
    """A draft whose every value cell holds a small varied number and whose totals are recomputed."""
    rng = random.Random(seed)
    year = year or (2022 if format_id == "2021" else 2020)
    report = empty_report(agency, year, format_id)
    for spec in report.format.cell_specs():
        if spec.computed:
            continue
        if spec.kind == "amount":
            report.cells[spec.key] = Decimal(rng.randint(0, 10**8)) / 10**4
        elif spec.kind == "signed":
            report.cells[spec.key] = rng.randint(-9, 9)
        else:
            report.cells[spec.key] = rng.randint(1, 40)
    # carried_out is an input of the balance, not a computed cell: make 一 + 二 = 三(七) + 四 hold per column.
    recompute_totals(report)
    t3 = report.format.table("t3")
    for col in t3.column_keys():
        handled = report.number("t3", "total_handled", col)
        carried_out = report.number("t3", "carried_out", col)
        carried_in = report.number("t3", "carried_in", col)
        report.cells[("t3", "new", col)] = handled + carried_out - carried_in
        if report.cells[("t3", "new", col)] < 0:
            report.cells[("t3", "carried_in", col)] = 0
            report.cells[("t3", "new", col)] = handled + carried_out
    recompute_totals(report)
    report.texts = {key: f"{key}的文字，共收到若干意见。" * 3 for key in report.format.text_keys()}
    report.texts[report.format.preamble.key] = (
        f"根据《中华人民共和国政府信息公开条例》，编制本报告。统计期限为{year}年1月1日至12月31日。"
    )
    report.signed_by = agency
    report.signed_on = date(year + 1, 1, 20)
    if report.format.has_fee_fields():
        report.fees.notices = 0
        report.fees.amount_yuan = Decimal(0)
    return report
