"""Files in and out: writing so that a crash, a full disk or a locked target never leaves half a file behind;
reading only regular files; never writing over the database in use."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from services.errors import NianbaoError, describe_os_error


def write_atomically(
    path: Path, content: bytes, error: type[NianbaoError] = NianbaoError, failure: str = "无法写入文件"
) -> None:
    """A temporary file in the same folder, flushed to disk, then `os.replace`; raises `error`, whose
    message starts with `failure` and names the file and the reason."""
    path = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise error(f"{failure} {path}：{describe_os_error(exc)}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); give it the mode of the file it replaces, or a usual one.
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(f"{failure} {path}：{describe_os_error(exc)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")
"""A SQLite database is its file and these beside it: writing over any of them destroys it."""


def refuse_database_target(path: Path, database_file: Path | None, error: type[NianbaoError] = NianbaoError) -> None:
    """Refuse an output path that is the open SQLite database or one of its companion files."""
    if database_file is None:
        return
    try:
        target = Path(path).resolve()
        protected = {Path(f"{Path(database_file).resolve()}{suffix}") for suffix in SQLITE_COMPANIONS}
    except OSError:
        return
    if target in protected:
        raise error(f"不能写入 {path}：这是正在使用的数据库文件，写入会毁掉其中所有报告。请换一个文件名。")


def require_regular_file(path: Path, error: type[NianbaoError] = NianbaoError) -> None:
    """Refuse a folder, a named pipe, a device or a socket before opening it: reading a pipe or a device would
    wait for ever."""
    try:
        mode = Path(path).stat().st_mode
    except OSError as exc:
        raise error(f"无法读取文件 {path}：{describe_os_error(exc)}") from None
    if not stat.S_ISREG(mode):
        what = "文件夹" if stat.S_ISDIR(mode) else "管道、设备或其他特殊文件"
        raise error(f"无法读取 {path}：这是{what}，不是普通文件。")
