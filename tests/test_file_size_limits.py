"""Every reader refuses a file too large to be a report before reading it, and the Excel reader refuses zip bombs
before openpyxl inflates anything. The large files are sparse: seeking past the end takes no disk space."""

from __future__ import annotations

import builtins
import io
import pathlib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from services import excel, exchange, published
from services.documents import read_document
from services.errors import ExchangeError, NianbaoError
from services.excel import ExcelError, parse_report_workbook, read_report_xlsx
from services.exchange import read_exchange
from services.published import PublishedReportError, import_published
from tests.fuzz_inputs import sample_members, sample_workbook
from tests.fuzzing import clear_message

GB = 1024**3
LIMITS = {
    ".json": exchange.MAX_FILE_BYTES,
    ".xlsx": excel.MAX_FILE_BYTES,
    ".txt": published.MAX_BYTES,
    ".html": published.MAX_BYTES,
}


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.seek(size - 1)
        fh.write(b"\0")
    return path


class _GuardedFile:
    """A file whose reads are counted; reading past `allowed` (or everything at once) fails the test."""

    def __init__(self, inner: IO[Any], allowed: int) -> None:
        self._inner = inner
        self._allowed = allowed
        self.read_bytes = 0

    def read(self, n: int | None = -1) -> Any:
        if n is None or n < 0:
            raise AssertionError("the reader read a whole file of unknown size at once")
        if self.read_bytes + n > self._allowed:
            raise AssertionError(f"the reader asked for {self.read_bytes + n} bytes, more than {self._allowed}")
        data = self._inner.read(n)
        self.read_bytes += len(data)
        return data

    def __enter__(self) -> _GuardedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


Guard = Callable[[Path, int], None]


@pytest.fixture
def guarded_reads(monkeypatch: pytest.MonkeyPatch) -> Guard:
    """Make reading `path` fail when more than `allowed` bytes are asked for, or all of it at once."""

    def guard(path: Path, allowed: int) -> None:
        real_path_open, real_open = pathlib.Path.open, builtins.open

        def path_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            fh = real_path_open(self, mode, *args, **kwargs)
            return _GuardedFile(fh, allowed) if self == path and "r" in mode else fh

        def whole(real: Callable[..., Any]) -> Callable[..., Any]:
            def read_all(self: Path, *args: Any, **kwargs: Any) -> Any:
                assert self != path, f"the reader read all of {self} at once"
                return real(self, *args, **kwargs)

            return read_all

        def plain_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            fh = real_open(file, mode, *args, **kwargs)
            return _GuardedFile(fh, allowed) if str(file) == str(path) and "r" in mode else fh

        monkeypatch.setattr(pathlib.Path, "read_bytes", whole(pathlib.Path.read_bytes))
        monkeypatch.setattr(pathlib.Path, "read_text", whole(pathlib.Path.read_text))
        monkeypatch.setattr(pathlib.Path, "open", path_open)
        monkeypatch.setattr(builtins, "open", plain_open)

    return guard


@pytest.mark.parametrize("suffix", sorted(LIMITS))
def test_a_2_gb_file_is_refused_without_reading_it(tmp_path: Path, suffix: str, guarded_reads: Guard) -> None:
    path = _sparse(tmp_path / f"big{suffix}", 2 * GB)
    guarded_reads(path, LIMITS[suffix] + 1)
    with pytest.raises(NianbaoError) as info:
        read_document(path)
    message = str(info.value)
    assert clear_message(info.value), message
    assert "过大" in message and "MB" in message, message


@pytest.mark.parametrize(
    ("suffix", "read", "error"),
    [
        (".json", read_exchange, ExchangeError),
        (".xlsx", read_report_xlsx, ExcelError),
        (".txt", import_published, PublishedReportError),
        (".html", import_published, PublishedReportError),
    ],
)
def test_each_reader_refuses_one_byte_over_its_limit(
    tmp_path: Path, suffix: str, read: Callable[[Path], Any], error: type[NianbaoError], guarded_reads: Guard
) -> None:
    path = _sparse(tmp_path / f"over{suffix}", LIMITS[suffix] + 1)
    guarded_reads(path, LIMITS[suffix] + 1)
    with pytest.raises(error, match="过大"):
        read(path)


@pytest.mark.parametrize("suffix", sorted(LIMITS))
def test_a_file_at_the_limit_is_not_refused_for_its_size(tmp_path: Path, suffix: str) -> None:
    path = _sparse(tmp_path / f"limit{suffix}", LIMITS[suffix])  # all zero bytes: refused, for its content
    with pytest.raises(NianbaoError) as info:
        read_document(path)
    assert clear_message(info.value)
    assert "过大" not in str(info.value)


# ------------------------------------------------------------------------------------------------- zip bombs


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """The zip checks must refuse a bomb before openpyxl sees it."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to load a zip bomb")

    monkeypatch.setattr("services.excel.read.load_workbook", refuse)


def _workbook_with(extra: list[tuple[str, bytes]], declared: dict[str, int] | None = None) -> bytes:
    """The sample workbook plus extra members; `declared` overrides a member's uncompressed size in the
    central directory (what a crafted file can claim; the local header keeps the real size)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*sample_members(), *extra]:
            archive.writestr(name, data)
        for info in archive.infolist():
            if declared and info.filename in declared:
                info.file_size = declared[info.filename]
    return buf.getvalue()


def test_the_sample_workbook_passes_the_zip_checks() -> None:
    assert parse_report_workbook(sample_workbook()).agency


def test_a_member_declaring_5_gb_is_refused(no_openpyxl: None) -> None:
    data = _workbook_with([("xl/media/image1.bin", b"x" * 1000)], declared={"xl/media/image1.bin": 5 * GB})
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/media/image1.bin").file_size == 5 * GB
    with pytest.raises(ExcelError, match="解压后的内容过大") as info:
        parse_report_workbook(data, "bomb.xlsx")
    assert clear_message(info.value)


def test_a_sheet_declaring_5_gb_is_refused(no_openpyxl: None) -> None:
    data = _workbook_with([], declared={"xl/worksheets/sheet1.xml": 5 * GB})
    with pytest.raises(ExcelError, match="过大"):
        parse_report_workbook(data, "bomb.xlsx")


def test_a_real_high_ratio_member_is_refused(tmp_path: Path, no_openpyxl: None) -> None:
    data = _workbook_with([("xl/media/zeros.bin", bytes(50 * 1024 * 1024))])
    assert len(data) < 200 * 1024  # 50 MB of zeros deflate to about 50 KB
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    with pytest.raises(ExcelError, match="压缩比异常") as info:
        read_document(path)
    assert clear_message(info.value)


def test_many_small_members_are_refused(no_openpyxl: None) -> None:
    data = _workbook_with([(f"xl/media/m{i}.bin", b"") for i in range(excel.archive.MAX_MEMBERS + 1)])
    with pytest.raises(ExcelError, match="文件过多"):
        parse_report_workbook(data, "many.xlsx")


def test_nested_bombs_in_sum_are_refused(no_openpyxl: None) -> None:
    """Many members, each under the ratio floor's reach but together far past the uncompressed limit."""
    declared = {f"xl/media/p{i}.bin": 100 * 1024 * 1024 for i in range(3)}
    data = _workbook_with([(name, b"y" * 2000) for name in declared], declared=declared)
    with pytest.raises(ExcelError, match="解压后的内容过大"):
        parse_report_workbook(data, "bomb.xlsx")
