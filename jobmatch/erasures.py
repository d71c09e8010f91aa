"""The erasure log: which residents were erased, kept outside the database so that restoring an older backup cannot
bring them back (`jobmatch restore` erases them again).

One JSON line per erased profile, with its id and when it was created (together they name one resident in one
database; an id alone could name someone else in another), never a name or a phone. Append-only, mode 0600,
fsync'd before the erasure commits.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from .errors import StorageUnavailable

FILENAME = "erasures.jsonl"
log = logging.getLogger(__name__)


class ErasureLog:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    @classmethod
    def of(cls, app) -> ErasureLog:
        """The log in the app's instance folder."""
        return cls(Path(app.instance_path) / FILENAME)

    def record(self, profiles: Iterable) -> None:
        """Append one line per profile (anything with .id and .created_at) and flush it to disk."""
        lines = "".join(
            json.dumps({"profile_id": p.id, "created_at": p.created_at.isoformat()}) + "\n" for p in profiles
        ).encode()
        if not lines:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                # One write per call: O_APPEND keeps the lines of two workers from interleaving.
                written = os.write(fd, lines)
                if written != len(lines):
                    raise OSError(28, "short write to the erasure log")
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:  # the new file's name must survive a power cut too
                folder = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(folder)
                finally:
                    os.close(folder)
        except OSError as err:
            raise StorageUnavailable(f"cannot append to {self.path.name}: {err.strerror or err}", 60) from None

    def entries(self) -> dict[int, set[datetime]]:
        """Profile id -> the creation times logged for it. A torn last line (a crash mid-write) is skipped."""
        wanted: dict[int, set[datetime]] = {}
        if not self.path.exists():
            return wanted
        with self.path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                # A line torn by a failed write has the next entry glued to its end: that entry still counts.
                for text in dict.fromkeys((line, line[line.rfind("{") :])):
                    try:
                        entry = json.loads(text)
                        created = datetime.fromisoformat(entry["created_at"])
                        wanted.setdefault(int(entry["profile_id"]), set()).add(created)
                        break
                    except (ValueError, KeyError, TypeError):
                        continue
                else:
                    if line.strip():
                        log.warning("%s line %d is not an erasure entry; skipped", self.path.name, number)
        return wanted
