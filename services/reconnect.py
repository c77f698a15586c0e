"""Whether a shared database's lost server answers again, asked off the window's thread.

A connection attempt to a server that vanished from the network waits out its timeout (seconds): the window must
not freeze for it. The question runs in a plain thread that touches nothing but the database's engine (its pool
is thread-safe); the window polls `answered`, a flag, from its own timer.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.database import Database

log = logging.getLogger(__name__)


class ServerWatch:
    """One question at a time to the server of a database whose `unreachable` is set."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._asking: threading.Thread | None = None

    def ask(self) -> None:
        """Ask the server once more, unless a question is still on its way."""
        if self._asking is not None and self._asking.is_alive():
            return
        self._asking = threading.Thread(target=self._ask, name="nianbao-server-watch", daemon=True)
        self._asking.start()

    def _ask(self) -> None:
        try:
            self.db.server_answers()  # clears db.unreachable when the server answers
        except Exception:  # a question that fails some other way is asked again at the next try
            log.exception("asking the shared database's server whether it answers")

    @property
    def answered(self) -> bool:
        """Whether the server answers again (the database then accepts units of work)."""
        return not self.db.unreachable.is_set()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the question on its way (for the CLI and the tests; the window polls instead)."""
        if self._asking is not None:
            self._asking.join(timeout)
