"""Where the office's shared database is: server, port, database and user — never the password, which the
operating system's credential store keeps (services/passwords.py). Plain values, no SQLAlchemy: the window reads
them at start-up before anything else is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DEFAULT_PORT = 5432
DEFAULT_DATABASE = "nianbao"

DatabaseKind = Literal["local", "shared"]
"""Which database a user works on: this PC's SQLite file, or the office's PostgreSQL server."""


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int = DEFAULT_PORT
    database: str = DEFAULT_DATABASE
    user: str = ""

    @property
    def label(self) -> str:
        """How the clerk sees it named: server and database (the port only when it is not the usual one)."""
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        return f"{self.host}{port}/{self.database}"

    @property
    def account(self) -> str:
        """The name the password is kept under in the credential store: one entry per user, server and database."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def missing(self) -> list[str]:
        """The fields the clerk left empty, by their names in the dialog."""
        named = (("服务器", self.host), ("数据库", self.database), ("用户名", self.user))
        return [name for name, value in named if not value.strip()]

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "database": self.database, "user": self.user}

    @classmethod
    def from_json(cls, raw: object) -> ServerSettings | None:
        """The settings as saved; None for anything else (a hand-edited or damaged state file)."""
        if not isinstance(raw, dict):
            return None
        host, port, database, user = (raw.get(k) for k in ("host", "port", "database", "user"))
        if not (isinstance(host, str) and host and isinstance(database, str) and isinstance(user, str)):
            return None
        if type(port) is not int or not 0 < port < 65536:
            return None
        return cls(host, port, database, user)
