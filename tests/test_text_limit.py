"""One limit on a narrative's length everywhere: a text the exchange file may carry, storage keeps and the
program's own Excel export writes is one its Excel import reads back; beyond it every reader refuses it, saying
why, and storage refuses it too."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.database import Database
from services import storage
from services.errors import ExchangeError, NianbaoError, StorageError
from services.excel import read_report_xlsx, write_report_xlsx
from services.exchange import dump_exchange, parse_exchange
from services.published import PublishedReportError, parse_published_text
from services.report import MAX_TEXT_CHARS
from tests.factories import filled_report, sample_report


def test_a_report_with_every_text_at_the_limit_goes_out_to_excel_and_back(tmp_path: Path) -> None:
    report = filled_report("2021")
    for key in report.format.text_keys():
        report.texts[key] = "年" * MAX_TEXT_CHARS  # the most compressible text there is: no zip bomb for all that
    back = parse_exchange(dump_exchange(report))
    path = tmp_path / "big.xlsx"
    write_report_xlsx(back, path)
    assert read_report_xlsx(path).texts == report.texts


def test_a_text_over_the_limit_is_refused_by_every_reader_and_by_storage(tmp_path: Path, db: Database) -> None:
    report = filled_report("2021")
    report.texts["s1_active"] = "年" * (MAX_TEXT_CHARS + 1)
    with pytest.raises(ExchangeError) as caught:
        parse_exchange(dump_exchange(report))
    assert "文字过长" in "".join(caught.value.problems) + str(caught.value)
    with pytest.raises(StorageError, match="文字过长"), db.transaction() as session:
        storage.save_report(session, report)
    report.texts["s1_active"] = "年"
    with db.transaction() as session:
        report_id = storage.save_report(session, report)
        version = storage.report_version(session, report_id)
    with pytest.raises(StorageError, match="文字过长"), db.transaction() as session:
        storage.set_text(session, report_id, "s1_active", "年" * (MAX_TEXT_CHARS + 1), version)
    with pytest.raises(StorageError, match="文字过长"), db.transaction() as session:
        storage.set_explanation(session, report_id, "SIGN_DATE", "因" * (MAX_TEXT_CHARS + 1), version)


def test_six_million_characters_from_a_json_file_are_refused_quickly() -> None:
    report = filled_report("2021")
    report.texts["s1_active"] = "年" * 6_000_000
    with pytest.raises(NianbaoError, match="文字过长"):
        parse_exchange(dump_exchange(report))


def test_a_published_text_with_an_endless_section_is_refused(sample_text_path: Path) -> None:
    text = sample_text_path.read_text(encoding="utf-8")
    marker = "（二）依申请公开"
    long = text.replace(marker, "年" * (MAX_TEXT_CHARS + 10) + "\n" + marker, 1)
    with pytest.raises(PublishedReportError) as caught:
        parse_published_text(long, "贵阳市人民防空办公室")
    assert "文字过长" in "".join(caught.value.problems)
    assert sample_report().texts  # the sample itself is far inside the limit
