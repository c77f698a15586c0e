"""The exchange file (报送数据包): one report as UTF-8 JSON, version 1 of ../shared/spec/exchange.md.

Reading lives in `exchange_read`, writing and the hash in `exchange_write`; code elsewhere imports from here.
"""

from __future__ import annotations

from services.exchange_read import MAX_FILE_BYTES, parse_exchange, read_exchange
from services.exchange_write import (
    EXCHANGE_KIND,
    EXCHANGE_VERSION,
    canonical_json,
    dump_exchange,
    report_hash,
    to_exchange_dict,
    write_exchange,
)

__all__ = [
    "EXCHANGE_KIND",
    "EXCHANGE_VERSION",
    "MAX_FILE_BYTES",
    "canonical_json",
    "dump_exchange",
    "parse_exchange",
    "read_exchange",
    "report_hash",
    "to_exchange_dict",
    "write_exchange",
]
