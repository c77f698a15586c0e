"""Domain errors: problems of the environment or of input, shown to the clerk in Chinese."""

from __future__ import annotations


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


class FormatFileError(NianbaoError):
    """A format file under resources/formats is malformed."""


class ValueParseError(NianbaoError):
    """A typed-in or imported cell value is not valid for its cell kind."""


class ExchangeError(NianbaoError):
    """An exchange file cannot be read: invalid JSON, schema violation, tampered hash, newer version."""


class StorageError(NianbaoError):
    """The database cannot do what was asked (missing report, stale version, locked or read-only file)."""


class NotAvailableError(NianbaoError):
    """A feature that a later version of the app will provide."""
