"""Tables of the service as SQLAlchemy 2 typed ORM classes (the migration creates them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from geoalchemy2 import Geometry


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Parcel(Base):
    """One mapped object of the plan: a demolition area, compound, idle building or project."""

    __tablename__ = "parcel"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(Text)
    progress: Mapped[int] = mapped_column(SmallInteger, default=0)
    start_date: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    community: Mapped[str | None] = mapped_column(Text)
    responsible_unit: Mapped[str | None] = mapped_column(Text)
    responsible_person: Mapped[str | None] = mapped_column(Text)
    buildings_total: Mapped[int | None] = mapped_column(Integer)
    buildings_demolished: Mapped[int | None] = mapped_column(Integer)
    households: Mapped[int | None] = mapped_column(Integer)
    floor_area_m2: Mapped[Decimal | None] = mapped_column(Numeric)
    vacant_area_m2: Mapped[Decimal | None] = mapped_column(Numeric)
    investment_wan: Mapped[Decimal | None] = mapped_column(Numeric)
    committee_formed_on: Mapped[date | None] = mapped_column(Date)
    intended_tenant: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    plan_targets: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    note: Mapped[str | None] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_by: Mapped[str] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(Text)


class Milestone(Base):
    """A dated milestone of a parcel (due date, and the day it was done)."""

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class ParcelEvent(Base):
    """One change of one field of one parcel; append-only (a trigger refuses edits)."""

    __tablename__ = "parcel_event"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id"))
    code: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(Text)
    old_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    effective_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    actor: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)


class Community(Base):
    """A community (社区) or urban village (城中村) boundary."""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))


class AppUser(Base):
    """A user of the API with one role and one hashed token."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    role: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ScreenLink(Base):
    """A read-only kiosk link of the leadership screen: a name and the hash of its key."""

    __tablename__ = "screen_link"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)
    key_hash: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
