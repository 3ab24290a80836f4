"""What the account register shows: its rows and its filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AccountRow:
    """One account in the communications department's register."""

    id: int
    request_id: str | None  # None: added by communications, no request
    channel: str
    account_name: str
    handle: str
    url: str
    owning_unit: str
    owning_unit_type: str
    owner_name: str
    owner_email: str
    moderators: tuple[str, ...]
    status: str
    approved_by: str | None
    registered_on: date | None
    next_review_on: date | None
    closed_on: date | None
    review_cycles: int
    purpose: str = ""
    # (name, email) of each moderator as the request names them: whom to contact.
    moderator_contacts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AccountFacets:
    """What the register can be filtered by: the statuses and channels in use, and the total."""

    statuses: tuple[str, ...]
    channels: tuple[str, ...]
    total: int
