"""The errors of the storage layer and the base of every error shown to the clerk (services.errors adds the rest).

They live here, in the lowest layer, so models/ needs nothing from services/."""

from __future__ import annotations

from pathlib import Path


class NianbaoError(Exception):
    """Base of every error whose message is meant for the clerk."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[str] = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class StorageError(NianbaoError):
    """The database cannot do what was asked (missing report, stale version, locked or read-only file)."""


class StaleReportError(StorageError):
    """Someone (another PC, another window) saved the report since this version was read: nothing was written."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


STALE_MESSAGE = "报告已被其他人修改（或在另一个窗口中修改过），您的修改未保存。请重新打开报告后再修改。"


class ServerUnreachableError(StorageError):
    """The shared database's server does not answer (stopped, restarting, network down): nothing was written."""

    def __init__(self, problems: list[str] | None = None) -> None:
        super().__init__(UNREACHABLE_MESSAGE, problems)


UNREACHABLE_MESSAGE = "无法连接共享数据库的服务器（服务器已关闭或网络中断），修改未保存。"


class CorruptDatabaseError(StorageError):
    """The database file is damaged or not a database at all; it was left exactly as found, to restore a backup."""

    def __init__(self, message: str, problems: list[str] | None = None, path: Path | None = None) -> None:
        super().__init__(message, problems)
        self.path = path
        """The damaged file, so the caller can offer the backups made beside it."""


def describe_os_error(exc: OSError) -> str:
    """A clerk-readable Chinese reason for a failed file operation (Windows and POSIX alike)."""
    import errno

    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, FileExistsError):
        return "已有同名的文件（此处需要文件夹）"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return "没有权限（文件可能被其他程序占用或设为只读）"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if exc.errno == errno.EROFS:
        return "所在磁盘为只读"
    return f"{exc.strerror or exc}"
