"""Writing a file so that a crash, a full disk or a locked target never leaves half a file behind."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from services.errors import NianbaoError, describe_os_error


def write_atomically(path: Path, content: bytes, error: type[NianbaoError] = NianbaoError,
                     failure: str = "无法写入文件") -> None:
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
