"""Writing the exchange file (报送数据包, ../shared/spec/exchange.md): one report as pretty UTF-8 JSON.

Keys come out in the format's order so a clerk can read and diff the file; every cell of the format is
written (empty as null), counts as JSON integers and amounts as decimal strings, so nothing goes through
float. A final report carries `sha256`, the hash of the canonical JSON of everything else (`report_hash`): an
integrity check against damage and careless edits, not a seal — anyone can recompute it, so the PDF re-checks a
"final" file's tables rather than trusting its status.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.errors import ExchangeError, FormatFileError, ValueParseError
from services.files import write_atomically
from services.formats import get_format
from services.report import Report
from services.values import CellValue, check_value, check_yuan, normalise_amount, to_text

EXCHANGE_KIND = "nianbao-report"
EXCHANGE_VERSION = 1
HASH_KEY = "sha256"
"""信息处理费 is collected in 元, exact to the fen."""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no spaces and no escaping of non-ASCII, as `json.dumps` would write it.

    Unlike `json.dumps` it also takes the `Decimal`s that reading produces for JSON numbers with a fraction,
    written as the number they were read from, so a hash can be checked without going through float.
    """
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(f"{_string(k)}:{canonical_json(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _string(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
    return json.dumps(key, ensure_ascii=False)


def report_hash(d: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical UTF-8 JSON of everything in an exchange dict except `sha256` itself."""
    rest = {k: v for k, v in d.items() if k != HASH_KEY}
    return hashlib.sha256(canonical_json(rest).encode("utf-8")).hexdigest()


def to_exchange_dict(report: Report) -> dict[str, Any]:
    """The exchange-file content of a report (without `sha256`).

    Raises ExchangeError when the report holds something version 1 cannot carry (a cell or text the format
    does not have, a value invalid for its cell), so that no file is written that could not be read back.
    """
    try:
        fmt = get_format(report.format_id)
    except FormatFileError as exc:
        raise ExchangeError(f"无法导出报告：{exc.message}") from None
    problems: list[str] = []
    known_cells = {spec.key for spec in fmt.cell_specs()}
    problems += [f"单元格 {'.'.join(key)} 不属于 {fmt.id} 格式" for key in report.cells if key not in known_cells]
    text_keys = fmt.text_keys()
    problems += [f"文字 {key} 不属于 {fmt.id} 格式" for key in report.texts if key not in text_keys]

    tables: dict[str, Any] = {}
    for table in fmt.tables:
        rows: dict[str, dict[str, Any]] = {}
        for spec in table.cells:
            value = report.cells.get(spec.key)
            cell: Any = None
            if value is not None:
                try:
                    canonical: CellValue = check_value(value, spec.kind)
                except ValueParseError as exc:
                    problems.append(f"单元格 {'.'.join(spec.key)}：{exc.message}")
                else:
                    cell = to_text(canonical) if spec.kind == "amount" else canonical
            rows.setdefault(spec.row, {})[spec.col] = cell
        tables[table.key] = rows

    notices, fee_amount = report.fees.notices, report.fees.amount_yuan
    if notices is not None and (isinstance(notices, bool) or not isinstance(notices, int) or notices < 0):
        problems.append(f"信息处理费通知书件数应为非负整数，实际为 {notices!r}")
    if fee_amount is not None:
        try:
            check_yuan(fee_amount)
        except ValueParseError as exc:
            problems.append(f"信息处理费：{exc}")
    if problems:
        raise ExchangeError("无法导出报告：报告中有数据包无法容纳的内容", problems)
    return {
        "kind": EXCHANGE_KIND,
        "version": EXCHANGE_VERSION,
        "agency": {"name": report.agency, "code": report.agency_code},
        "year": report.year,
        "format": fmt.id,
        "title": report.title,
        "signed_by": report.signed_by,
        "signed_on": report.signed_on.isoformat() if report.signed_on else None,
        "status": report.status,
        "tables": tables,
        # Only the texts the report has: an absent text and an empty one read the same, and writing only
        # what is there keeps `parse_exchange(dump_exchange(r)) == r` exact.
        "texts": {key: report.texts[key] for key in text_keys if key in report.texts},
        "fees": {
            "fee_notices": notices,
            "fee_amount_yuan": None if fee_amount is None else format(normalise_amount(fee_amount), "f"),
        },
        "explanations": dict(sorted(report.explanations.items())),
    }


def dump_exchange(report: Report) -> str:
    """The exchange file as text: pretty UTF-8 JSON; a final report gets its `sha256`."""
    data = to_exchange_dict(report)
    if report.status == "final":
        data[HASH_KEY] = report_hash(data)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_exchange(report: Report, path: Path) -> None:
    """Write the exchange file atomically: nothing half-written, the old file kept on failure."""
    write_atomically(Path(path), dump_exchange(report).encode("utf-8"), ExchangeError)
