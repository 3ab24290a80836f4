"""The account register's table, owned by the account procedure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store import Base


class Account(Base):
    """A registered social media account: one row of the communications department's register."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    # None for an account that existed before the system (added by communications).
    request_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    channel: Mapped[str] = mapped_column(String(40), index=True)
    account_name: Mapped[str] = mapped_column(String(120))
    handle: Mapped[str] = mapped_column(String(120), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    owning_unit: Mapped[str] = mapped_column(String(200))
    owning_unit_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    moderators: Mapped[list[Any]]
    purpose: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_on: Mapped[date | None] = mapped_column(Date)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    review_cycles: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AccountPerson(Base):
    """Who an account belongs to: its owner and the moderators named in its request.

    Filled when the account is registered or its record is corrected (moderators matched to
    people by email), so "my accounts" is one indexed query.
    """

    __tablename__ = "account_people"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)  # owner, moderator


class AccountModerator(Base):
    """One moderator as the account's request names them, with keys to search by.

    Moderators need not be people of the system (and may have left it), so their names and
    emails are kept here, folded to lower case, for "which accounts does Bo moderate?".
    """

    __tablename__ = "account_moderators"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Text: a process owner may change the form's length limits.
    name: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    name_key: Mapped[str] = mapped_column(Text, index=True)
    email_key: Mapped[str] = mapped_column(Text, index=True)
