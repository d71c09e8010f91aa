"""SQLAlchemy models: Fair, Employer, Job (vacancy), Profile (resident), Outcome, DataVersion."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .vocabulary import (  # noqa: F401
    AVAILABILITIES,
    OUTCOME_STATUSES,
    ROLES,
    SHIFTS,
    TOKEN_ROLES,
    WAGE_UNITS,
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite stores no offset, so UTC is restored on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use timezone-aware values")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Fair(Base):
    __tablename__ = "fairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    date: Mapped[date] = mapped_column(Date)
    town: Mapped[str] = mapped_column(String(50))
    communities: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Employer(Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    town: Mapped[str | None] = mapped_column(String(50))
    community: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    jobs: Mapped[list[Job]] = relationship(back_populates="employer")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("wage_min IS NULL OR wage_max IS NULL OR wage_min <= wage_max", name="ck_jobs_wage_order"),
        CheckConstraint("age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="ck_jobs_age_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    fair_id: Mapped[int | None] = mapped_column(ForeignKey("fairs.id", ondelete="SET NULL"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list] = mapped_column(JSON, default=list)
    openings: Mapped[int] = mapped_column(Integer, default=1)
    wage_min: Mapped[float | None] = mapped_column(Float)
    wage_max: Mapped[float | None] = mapped_column(Float)
    wage_unit: Mapped[str] = mapped_column(String(10), default="month")
    town: Mapped[str | None] = mapped_column(String(50), index=True)
    community: Mapped[str | None] = mapped_column(String(50))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    shift: Mapped[str] = mapped_column(String(20), default="day", index=True)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    perks: Mapped[list] = mapped_column(JSON, default=list)
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    # The matcher's reading of the text (occupations), stored at write time so an index build need not redo it.
    coding: Mapped[dict | None] = mapped_column(JSON)
    # What the title and description say (postings.read_posting), and which fields the office left empty and were
    # filled from it: {"occupation": "货运司机", "read": {...}, "filled": ["perks", "wage"]}.
    read_from_text: Mapped[dict | None] = mapped_column(JSON)
    # The office's correction of what the vacancy demands (demands.Demands.as_dict()); None: read from the words.
    demands: Mapped[dict | None] = mapped_column(JSON)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    employer: Mapped[Employer] = relationship(back_populates="jobs", lazy="joined")


class Profile(Base):
    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    fair_id: Mapped[int | None] = mapped_column(ForeignKey("fairs.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(40))
    age: Mapped[int | None] = mapped_column(Integer)
    town: Mapped[str | None] = mapped_column(String(50))
    community: Mapped[str | None] = mapped_column(String(50))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    experience: Mapped[str] = mapped_column(Text, default="")
    desired: Mapped[str] = mapped_column(Text, default="")
    expected_wage: Mapped[float | None] = mapped_column(Float)
    availability: Mapped[str] = mapped_column(String(20), default="any")
    max_commute_km: Mapped[float | None] = mapped_column(Float)
    coding: Mapped[dict | None] = mapped_column(JSON)
    # What the resident tapped at the kiosk or sent as fields (light work only, licences held ...): personal, erased
    # with the name. {"limits": ["light_only"], "holds": ["licence:C1"], "lacks": []}; merged with what their words say.
    limits: Mapped[dict | None] = mapped_column(JSON)
    # The kinds of work tapped at the kiosk, as the taxonomy's occupation names (["缝纫工"]): done before, and wanted.
    # The matcher reads them after the resident's own words, as if typed there; personal, erased with the words.
    experience_occupations: Mapped[list | None] = mapped_column(JSON)
    desired_occupations: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Deletion keeps the row (outcome statistics stay) but removes every personal field.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The resident's slip: a short code that shows this profile's matches and nothing else.
    ticket: Mapped[str | None] = mapped_column(String(16), unique=True)
    # Set by the kiosk form when it is drawn, so a double tap or a resubmit stores the profile once.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # SHA-256 of the submitted body: a reused key with a different body is refused, never answered with this profile.
    submission_digest: Mapped[str | None] = mapped_column(String(64))
    # When the resident agreed to their data being kept and matched (kiosk form or a kiosk token's "consent").
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Outcome(Base):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who recorded the step: "user:NAME" from the pages, "token:NAME" from the API, "cli" from the command line.
    recorder: Mapped[str | None] = mapped_column(String(60))
    # For a shortlist shown: which weights ranked it, and where and how high the vacancy stood.
    weights: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class DataVersion(Base):
    """A counter bumped by every write that changes what the matcher sees; workers rebuild their index on change."""

    __tablename__ = "data_versions"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=0)


class Change(Base):
    """One matchable record changed at a data version: workers apply these to their index instead of rebuilding.

    kind is job, profile, employer (its vacancies) or all (rebuild).
    """

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int] = mapped_column(Integer)


class User(Base):
    """A person who logs in to the staff or office pages."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A disabled user cannot log in, and their sessions are gone.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Wrong passwords in a row, counted in the database so every worker sees them; reset by a good login.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored. Deleting the row ends it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEvent(Base):
    """Who looked at or did what with personal data, and when. Written once, never edited."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    # Who acted when no user is logged in: "token:NAME" for the API, "cli" for the command line.
    actor: Mapped[str | None] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ApiToken(Base):
    """A bearer token for the API, bound to a role. Only its SHA-256 is stored; revoking keeps the row."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Heartbeat(Base):
    """One row per name that the readiness check rewrites, proving that a write can commit."""

    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
