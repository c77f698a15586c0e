"""A credential store in memory for the tests: keyring's own backends would reach the desktop's (or find none)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:  # keyring's own __init__ reads settings from the environment: not wanted here
        self.kept: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        if self.kept.pop((service, username), None) is None:
            raise PasswordDeleteError("not kept")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The process's credential store replaced by one in memory for one test."""
    before = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A PC without any credential store (a Linux machine without a Secret Service)."""
    from keyring.backends import fail

    none_found: Callable[[], KeyringBackend] = fail.Keyring  # what keyring itself falls back to
    before = keyring.get_keyring()
    keyring.set_keyring(none_found())
    yield
    keyring.set_keyring(before)
