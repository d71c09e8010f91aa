"""Residents' profiles: the office's writes, the kiosk's submissions and tickets, the stall's search, and erasure."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..erasures import ErasureLog
from ..errors import Conflict, Invalid, NotFound
from ..models import Outcome, Profile, utcnow
from .changes import bump_version
from .fairs import get_fair
from .paging import Page, get_or_not_found, paginate
from .transaction import erased_on_commit


def profile_columns(data: dict) -> dict:
    """A loaded profile body as columns: its limits, holds and lacks go together into `limits`; no kind of work tapped
    is stored as none (NULL), as on profiles from before the kiosk's buttons."""
    data = dict(data)
    said = {key: data.pop(key) for key in ("limits", "holds", "lacks") if key in data}
    data["limits"] = {key: value for key, value in said.items() if value} or None
    for key in ("experience_occupations", "desired_occupations"):
        data[key] = list(data.get(key) or ()) or None
    return data


def create_profile(session: Session, data: dict, consented: bool = False) -> Profile:
    if data.get("fair_id") is not None:
        get_fair(session, data["fair_id"])
    if data.get("external_id") and session.scalar(select(Profile.id).where(Profile.external_id == data["external_id"])):
        raise Conflict(
            f"居民编号 {data['external_id']} 已存在", english="duplicate id", fields={"id": ["already exists"]}
        )
    profile = Profile(**profile_columns(data), consented_at=utcnow() if consented else None)
    session.add(profile)
    bump_version(session)
    return profile


def get_profile(session: Session, profile_id: int) -> Profile:
    chinese, english = f"没有编号为 {profile_id} 的居民信息", "profile not found"
    profile = get_or_not_found(session, Profile, profile_id, "profile_id", chinese, english)
    if profile.deleted_at is not None:
        raise NotFound(chinese, english=english, fields={"profile_id": ["not found"]})
    return profile


def list_profiles(session: Session, fair: int | None = None, page: int = 1, per_page: int = 20) -> Page:
    stmt = select(Profile).where(Profile.deleted_at.is_(None)).order_by(Profile.created_at.desc(), Profile.id.desc())
    if fair is not None:
        stmt = stmt.where(Profile.fair_id == fair)
    return paginate(session, stmt, page, per_page)


def search_profiles(session: Session, fair: int | None, q: str | None, page: int = 1, per_page: int = 30) -> Page:
    """A fair's residents, newest first; `q` matches name, phone digits, ticket or the resident's words."""
    stmt = select(Profile).where(Profile.deleted_at.is_(None)).order_by(Profile.created_at.desc(), Profile.id.desc())
    if fair is not None:
        stmt = stmt.where(Profile.fair_id == fair)
    if q:
        stmt = stmt.where(
            or_(
                Profile.name.contains(q, autoescape=True),
                Profile.phone.contains(q, autoescape=True),
                Profile.ticket == q.upper(),
                Profile.experience.contains(q, autoescape=True),
                Profile.desired.contains(q, autoescape=True),
            )
        )
    return paginate(session, stmt, page, per_page)


# --- kiosk -----------------------------------------------------------------------------------------

# No 0/O, 1/I/L: a resident reads the code off a slip and may type it back.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_LENGTH = 8  # 31^8, about 8.5e11 codes: not guessable at kiosk rates


def new_ticket() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def submission_digest(data: dict) -> str:
    """A fingerprint of a submission's content, to tell a retry from a different submission under the same key."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def scoped_key(scope: str, key: str) -> str:
    # A key names a submission only within its caller (a token, a kiosk browser session): another caller that sends
    # the same key gets nothing back but a new profile of its own.
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


def create_kiosk_profile(session: Session, data: dict, submission_key: str, scope: str, consented: bool) -> Profile:
    """Store a kiosk submission once per caller: the same key and body (a double tap, a retry) returns the first
    profile; the same key with a different body is refused."""
    key = scoped_key(scope, submission_key)
    digest = submission_digest(data)
    if data.get("fair_id") is not None:
        get_fair(session, data["fair_id"])
    existing = session.scalar(select(Profile).where(Profile.submission_key == key))
    if existing is not None:
        return _same_submission(existing, digest)
    profile = Profile(
        **profile_columns(data),
        submission_key=key,
        submission_digest=digest,
        ticket=new_ticket(),
        consented_at=utcnow() if consented else None,
    )
    try:
        with session.begin_nested():  # a savepoint: a refused insert leaves the caller's transaction as it was
            session.add(profile)
    except IntegrityError:  # the same key committed by another worker a moment ago
        existing = session.scalar(select(Profile).where(Profile.submission_key == key))
        if existing is None:
            raise
        return _same_submission(existing, digest)
    bump_version(session)
    return profile


def _same_submission(existing: Profile, digest: str) -> Profile:
    if existing.submission_digest != digest:
        raise Conflict(
            "这个提交编号已经用于另一份不同的信息，请换一个编号重新提交",
            english="Idempotency-Key reused with a different body",
            fields={"Idempotency-Key": ["already used for a different body"]},
        )
    return existing


def check_kiosk_place(gazetteer, town: str | None, community: str | None) -> None:
    """A place chosen at the kiosk must be one the picker offers; anything else is a tampered form."""
    if town is not None and len(gazetteer) and not gazetteer.offers(town, community):
        raise Invalid(
            "请从列表里选择您住的社区",
            english="unknown town or community",
            fields={"place": ["not a town/community of the gazetteer"]},
        )


def profile_by_ticket(session: Session, ticket: str) -> Profile:
    code = (ticket or "").strip().upper()
    profile = session.scalar(select(Profile).where(Profile.ticket == code)) if 0 < len(code) <= 16 else None
    if profile is None or profile.deleted_at is not None:
        raise NotFound(
            "没有找到这个号码，请核对单子上的号码", english="ticket not found", fields={"ticket": ["not found"]}
        )
    return profile


# --- erasure --------------------------------------------------------------------------------------


def delete_profile(session: Session, profile_id: int, erasures: ErasureLog) -> None:
    """Erase a resident's personal fields; outcomes stay for the fair's statistics, tied to no one.

    The erasure log gets its line before the caller commits: a line for an erasure that then fails is harmless (a
    restore erases only what still matches, and a resident who asked must be erased anyway), an erasure without one
    is not.
    """
    profile = get_profile(session, profile_id)
    erasures.record([profile])
    _erase(session, profile)
    bump_version(session)
    erased_on_commit(session)


def _erase(session: Session, profile: Profile) -> None:
    for key in ("name", "phone", "lat", "lon", "community", "external_id", "submission_digest"):
        setattr(profile, key, None)
    profile.experience = ""
    profile.desired = ""
    profile.limits = None  # health and what they cannot do: as personal as the words
    profile.experience_occupations = None  # what they tapped, as personal as what they typed
    profile.desired_occupations = None
    profile.ticket = None
    profile.submission_key = None
    profile.deleted_at = utcnow()
    # Outcomes keep their status and job for the statistics; a free-text note may name the person.
    session.execute(update(Outcome).where(Outcome.profile_id == profile.id).values(note=""))


def purge_profiles(session: Session, older_than_days: int, erasures: ErasureLog) -> int:
    """Erase the personal data of every profile created more than `older_than_days` ago; returns how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    profiles = session.scalars(select(Profile).where(Profile.deleted_at.is_(None), Profile.created_at < cutoff)).all()
    if profiles:
        erasures.record(profiles)
        for profile in profiles:
            _erase(session, profile)
        bump_version(session)
        erased_on_commit(session)
    return len(profiles)


def reapply_erasures(session: Session, erasures: ErasureLog) -> int:
    """After a restore: erase again every profile in the log that the backup brought back (same id and creation
    time, not erased); returns how many."""
    wanted = erasures.entries()
    ids = sorted(wanted)
    erased = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for profile in session.scalars(
            select(Profile).where(Profile.id.in_(chunk), Profile.deleted_at.is_(None))
        ).all():
            if profile.created_at in wanted[profile.id]:
                _erase(session, profile)
                erased += 1
    if erased:
        bump_version(session)
        erased_on_commit(session)
    return erased


def residents_of_fair(session: Session, fair_id: int) -> list[Profile]:
    """A fair's residents not erased, in the order they came: one page each in the fair's print."""
    stmt = select(Profile).where(Profile.fair_id == fair_id, Profile.deleted_at.is_(None)).order_by(Profile.id)
    return list(session.scalars(stmt))
