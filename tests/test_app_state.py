"""The per-user state file: round trip, a fresh start on any damage, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from services.app_state import STATE_FILE, AppState, load_state, save_state
from services.errors import StorageError

DB = "/home/clerk/年报/nianbao.sqlite3"


def test_a_missing_file_gives_the_default_state(tmp_path: Path) -> None:
    assert load_state(tmp_path / "fresh") == AppState()
    assert AppState().last_report_key is None and AppState().db is None


def test_the_state_round_trips(tmp_path: Path) -> None:
    state = AppState(("贵阳市人民防空办公室", 2020), DB)
    save_state(tmp_path, state)
    assert load_state(tmp_path) == state
    assert json.loads((tmp_path / STATE_FILE).read_text(encoding="utf-8")) == {
        "version": 1,
        "db": DB,
        "last_report": {"agency": "贵阳市人民防空办公室", "year": 2020},
        "fonts": {},
        "window": None,
        "folder": None,
        "database": None,
        "server": None,
        "backup_copies": None,
        "rule_pack": None,
        "board_deadlines": [],
    }
    placed = AppState(None, DB, (), "AdnQywADAAA=", "D:/年报")  # the window's geometry, the last folder
    save_state(tmp_path, placed)
    assert load_state(tmp_path) == placed
    save_state(tmp_path, AppState())
    assert load_state(tmp_path) == AppState()
    chosen = AppState(None, DB, (("body", "方正仿宋_GBK"), ("title", "方正小标宋简体")))
    save_state(tmp_path, chosen)
    assert load_state(tmp_path).font_choices() == {"body": "方正仿宋_GBK", "title": "方正小标宋简体"}


def test_a_state_file_of_the_earlier_version_or_with_bad_font_entries_still_reads(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text(json.dumps({"version": 1, "db": DB, "last_report": None}), encoding="utf-8")
    assert load_state(tmp_path) == AppState(None, DB)
    (tmp_path / STATE_FILE).write_text(
        json.dumps({"version": 1, "db": DB, "fonts": {"body": 3, "title": "", "table": "SimSun"}}), encoding="utf-8"
    )
    assert load_state(tmp_path).font_choices() == {"table": "SimSun"}


def test_the_last_report_belongs_to_its_database(tmp_path: Path) -> None:
    save_state(tmp_path, AppState(("某县教育局", 2023), DB))
    state = load_state(tmp_path)
    assert state.last_report_in(DB) == ("某县教育局", 2023)
    assert state.last_report_in("/elsewhere/other.sqlite3") is None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b"null",
        b'{"last_report": {"agency": "", "year": 2023}, "db": "x"}',
        '{"last_report": {"agency": "某县教育局", "year": "2023"}}'.encode(),
        '{"last_report": {"agency": "某县教育局", "year": true}}'.encode(),
        '{"last_report": ["某县教育局", 2023], "db": 5}'.encode(),
    ],
)
def test_a_corrupt_file_gives_a_default_state_never_an_exception(tmp_path: Path, content: bytes) -> None:
    (tmp_path / STATE_FILE).write_bytes(content)
    state = load_state(tmp_path)
    assert state.last_report_key is None
    assert state.db in (None, "x")


def test_a_partly_valid_file_keeps_what_is_valid(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text(json.dumps({"db": DB, "last_report": {"agency": 7}}), encoding="utf-8")
    assert load_state(tmp_path) == AppState(None, DB)


def test_an_unusable_data_folder_gives_the_default_state(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert load_state(blocker / "data") == AppState()
    (tmp_path / STATE_FILE).mkdir()  # a folder where the file should be
    assert load_state(tmp_path) == AppState()


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = AppState(("某县教育局", 2022), DB)
    save_state(tmp_path, old)

    def no_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(StorageError, match="无法保存程序状态"):
        save_state(tmp_path, AppState(("某县教育局", 2023), DB))
    monkeypatch.undo()
    assert load_state(tmp_path) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [STATE_FILE]


def test_the_write_goes_through_a_temp_file_in_the_same_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append((Path(src), Path(dst)))
        assert json.loads(Path(src).read_text(encoding="utf-8"))["db"] == DB  # complete before the swap
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    save_state(tmp_path, AppState(("某县教育局", 2023), DB))
    [(src, dst)] = seen
    assert src.parent == dst.parent == tmp_path
    assert dst.name == STATE_FILE and src.name != STATE_FILE
    assert not src.exists()


def test_the_database_choice_round_trips_without_any_password(tmp_path: Path) -> None:
    from services.server_settings import ServerSettings

    server = ServerSettings("192.168.1.10", 5433, "nianbao", "zhang")
    state = AppState(database="shared", server=server, backup_copies="E:/年报备份")
    save_state(tmp_path, state)
    assert load_state(tmp_path) == state
    saved = json.loads((tmp_path / STATE_FILE).read_text(encoding="utf-8"))
    assert saved["server"] == {"host": "192.168.1.10", "port": 5433, "database": "nianbao", "user": "zhang"}
    assert server.label == "192.168.1.10:5433/nianbao"
    # a hand-edited or damaged entry is dropped, the rest kept
    saved.update(database="remote", server={"host": "x", "port": "5432", "database": "d", "user": "u"})
    (tmp_path / STATE_FILE).write_text(json.dumps(saved), encoding="utf-8")
    assert load_state(tmp_path) == AppState(backup_copies="E:/年报备份")
