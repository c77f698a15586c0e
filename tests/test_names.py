"""A name with characters no one sees is the same name: one agency in the database, one unit in 汇总."""

from __future__ import annotations

import json

import pytest

from models.database import Database
from services import report_admin, storage
from services.aggregate import aggregate_reports
from services.errors import ExchangeError, StorageError
from services.exchange import dump_exchange, parse_exchange
from services.names import clean_name
from tests.factories import filled_report

HIDDEN = ["\u200b", "\ufeff", "\u202e", "\u2060", "\u00ad", "\u2028", "\x07"]


def test_clean_name_drops_what_no_one_sees_and_composes() -> None:
    for hidden in HIDDEN:
        assert clean_name(f" 某县{hidden}教育局{hidden}\u3000") == "某县教育局", repr(hidden)
    assert clean_name("Cafe\u0301") == "Caf\u00e9"
    assert clean_name("\u200b\ufeff ") == ""


def test_one_agency_however_its_name_was_pasted(db: Database) -> None:
    with db.transaction() as session:
        first = storage.save_report(session, filled_report("2021", agency="某县教育局"))
    with pytest.raises(StorageError, match="已存在"), db.transaction() as session:
        storage.save_report(session, filled_report("2021", agency="某县\u200b教育局\ufeff"))
    with db.transaction() as session:
        assert storage.find_report(session, "\u202e某县教育局 ", 2022) == first
        assert [a.name for a in report_admin.list_agencies(session)] == ["某县教育局"]
    with pytest.raises(StorageError, match="不能为空"), db.transaction() as session:
        report_admin.rename_agency(session, "某县教育局", "\u200b\u200b")


def test_a_unit_pasted_twice_is_summed_once() -> None:
    one = filled_report("2021", agency="某县教育局", seed=1)
    again = filled_report("2021", agency="某县教育局", seed=2)
    again.agency = "某县教育局\u200b"  # set after construction, as a careless caller might
    result = aggregate_reports("某县汇总", 2022, "2021", [one, again])
    assert result.included == ("某县教育局",)
    assert len(result.refused) == 1


def test_an_exchange_file_whose_name_is_only_invisible_characters_is_refused() -> None:
    data = json.loads(dump_exchange(filled_report("2021")))
    data["agency"]["name"] = "\u200b\ufeff"
    with pytest.raises(ExchangeError) as caught:
        parse_exchange(json.dumps(data, ensure_ascii=False))
    assert "$.agency.name" in str(caught.value) + "".join(caught.value.problems)
    data["agency"]["name"] = "某县\u200b教育局"
    assert parse_exchange(json.dumps(data, ensure_ascii=False)).agency == "某县教育局"
