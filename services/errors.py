"""Domain errors: problems of the environment or of input, shown to the clerk in Chinese. The base class and the
storage errors are defined in models.errors (the layer below) and named here too: services and the window import
every error from this module."""

from __future__ import annotations

from models.errors import (
    STALE_MESSAGE,
    CorruptDatabaseError,
    NianbaoError,
    ServerUnreachableError,
    StaleReportError,
    StorageError,
    describe_os_error,
)

__all__ = [
    "STALE_MESSAGE",
    "CorruptDatabaseError",
    "ExchangeError",
    "FormatFileError",
    "NianbaoError",
    "NotAvailableError",
    "RulePackError",
    "ServerUnreachableError",
    "StaleReportError",
    "StorageError",
    "ValueParseError",
    "describe_os_error",
]


class FormatFileError(NianbaoError):
    """A format file under resources/formats is malformed."""


class ValueParseError(NianbaoError):
    """A typed-in or imported cell value is not valid for its cell kind."""


class ExchangeError(NianbaoError):
    """An exchange file cannot be read: invalid JSON, schema violation, tampered hash, newer version."""


class RulePackError(NianbaoError):
    """A rule pack (上级要求) cannot be read: invalid JSON, a rule the app does not know, a key no format has."""


class NotAvailableError(NianbaoError):
    """A feature that a later version of the app will provide."""
