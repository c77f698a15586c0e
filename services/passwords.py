"""The shared database's password, kept in the operating system's credential store (Windows 凭据管理器, the Secret
Service on Linux, the macOS Keychain) through `keyring` — never in a file of ours.

A PC may have no usable store (a Linux machine without a desktop session, a locked-down profile): then the clerk
is told so and types the password at each start; nothing falls back to a file.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from services.errors import NianbaoError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from services.server_settings import ServerSettings

SERVICE = "Nianbao 年报 共享数据库"
NO_STORE_MESSAGE = (
    "本机没有可用的密码保管库（Windows 凭据管理器或系统的密钥环），无法记住密码：每次连接时需要输入密码。"
    "程序不会把密码写入任何文件。"
)


class PasswordStoreError(NianbaoError):
    """The credential store is missing or refused: the password was not remembered (nor written anywhere)."""


def _writes_files(backend: KeyringBackend) -> bool:
    # keyring's fail/null backends store nothing; keyrings.alt's (plain-text and "encrypted" files) would put the
    # password in a file in the profile, which is exactly what must never happen.
    module = type(backend).__module__
    return module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt"))


def _store() -> KeyringBackend | None:
    import keyring  # imported when a password is needed, not at start-up

    backend = keyring.get_keyring()
    inner = getattr(backend, "backends", None)  # keyring's chainer: usable if any of its members is
    if inner is not None:
        usable = [b for b in inner if not _writes_files(b)]
        return backend if usable and len(usable) == len(inner) else (usable[0] if usable else None)
    return None if _writes_files(backend) else backend


def store_name() -> str | None:
    """The credential store in use (for the IT person), or None when this PC has no usable one."""
    backend = _store()
    return None if backend is None else f"{getattr(backend, 'name', '')} ({type(backend).__name__})".strip()


def remember(settings: ServerSettings, password: str) -> None:
    """Keep the password for these settings; PasswordStoreError when this PC cannot."""
    from keyring.errors import KeyringError

    backend = _store()
    if backend is None:
        raise PasswordStoreError(NO_STORE_MESSAGE)
    try:
        backend.set_password(SERVICE, settings.account, password)
    except KeyringError as exc:
        raise PasswordStoreError(NO_STORE_MESSAGE, [str(exc)]) from exc


def recall(settings: ServerSettings) -> str | None:
    """The remembered password, or None (none kept, or no store on this PC)."""
    from keyring.errors import KeyringError

    backend = _store()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE, settings.account)
    except KeyringError:
        return None  # a locked or vanished store: the clerk is asked, as when nothing was kept


def forget(settings: ServerSettings) -> None:
    """Remove a remembered password (the clerk unticked 记住密码); nothing to do when there is none."""
    from keyring.errors import KeyringError

    backend = _store()
    if backend is None:
        return
    with suppress(KeyringError):  # not there, or the store is unavailable: either way nothing of ours holds it
        backend.delete_password(SERVICE, settings.account)
