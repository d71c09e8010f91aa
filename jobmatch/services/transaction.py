"""The caller's transaction: services write and flush, and the view or command that called them commits once, with its
audit event, through `commit`."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..db import checkpoint, rollback_quietly
from ..errors import storage_fault

_ERASED = "jobmatch.erased"


def commit(session: Session) -> None:
    """Store everything this transaction wrote, or nothing. A storage fault (locked, read-only, full) is raised as
    StorageUnavailable, which is answered 503; any other database error is raised as it is."""
    erased = session.info.pop(_ERASED, False)
    try:
        session.commit()
        if erased:
            checkpoint(session)
    except DBAPIError as err:
        rollback_quietly(session)
        fault = storage_fault(err)
        if fault is None:
            raise
        raise fault from None  # the database's message may quote parameters: names and phones


def erased_on_commit(session: Session) -> None:
    """Mark this transaction as erasing personal data: once it commits, SQLite's WAL is checkpointed, so the erased
    values leave its files too."""
    session.info[_ERASED] = True
