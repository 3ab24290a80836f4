"""The people of each account (owner, moderators) and each person's own accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.store import User
from engine.usecases import ProjectionDifference, load_user

from ._models import Account, AccountModerator, AccountPerson

ACCOUNT_ROLES = ("owner", "moderator")


@dataclass(frozen=True)
class MyAccount:
    """One account a person owns or moderates, with what they need to know about it."""

    id: int
    request_id: str | None  # None: added by communications, no request
    account_name: str
    channel: str
    handle: str
    url: str
    status: str
    next_review_on: date | None
    roles: tuple[str, ...]  # "owner", "moderator" or both


def moderator_emails(moderators) -> set[str]:
    """The moderators' email addresses as the request gave them, lower-cased."""
    return {str(m.get("email", "")).strip().lower() for m in moderators or []
            if isinstance(m, dict) and str(m.get("email", "")).strip()}


def expected_people(session: Session, owner_id: int, moderators) -> set[tuple[int, str]]:
    """(user id, role) of an account's people as its owner and moderator emails give them."""
    emails = moderator_emails(moderators)
    found = session.scalars(select(User.id).where(
        func.lower(User.email).in_(emails))).all() if emails else []
    return {(owner_id, "owner"), *((user_id, "moderator") for user_id in found)}


def search_key(text: object) -> str:
    """Text as the register's search compares it: spaces collapsed, case folded (Å is å)."""
    return " ".join(str(text or "").split()).casefold()


def moderator_rows(moderators) -> list[tuple[int, str, str]]:
    """(position, name, email) of each moderator the request names, in its order."""
    return [(position, " ".join(str(m.get("name", "")).split()), str(m.get("email", "")).strip())
            for position, m in enumerate(moderators or []) if isinstance(m, dict)]


def sync_account_people(session: Session, account: Account) -> None:
    """Rewrite the account's people from its row: the owner, and moderators found by email,
    and every named moderator, people of the system or not, by name and email."""
    session.execute(delete(AccountPerson).where(AccountPerson.account_id == account.id))
    session.add_all(AccountPerson(account_id=account.id, user_id=user_id, role=role)
                    for user_id, role in sorted(expected_people(
                        session, account.owner_id, account.moderators)))
    session.execute(delete(AccountModerator).where(AccountModerator.account_id == account.id))
    session.add_all(AccountModerator(account_id=account.id, position=position, name=name,
                                     email=email, name_key=search_key(name),
                                     email_key=search_key(email))
                    for position, name, email in moderator_rows(account.moderators))
    session.flush()


def moderator_differences(session: Session, account_id: int,
                          expected_row: dict) -> list[ProjectionDifference]:
    """Whether the account's searchable moderators are the ones its record names."""
    stored = [tuple(row) for row in session.execute(
        select(AccountModerator.position, AccountModerator.name, AccountModerator.email)
        .where(AccountModerator.account_id == account_id)
        .order_by(AccountModerator.position)).all()]
    expected = moderator_rows(expected_row["moderators"])
    if stored == expected:
        return []
    return [ProjectionDifference("account_moderators", str(account_id), "moderators",
                                 [f"{name} <{email}>" for _, name, email in stored],
                                 [f"{name} <{email}>" for _, name, email in expected])]


def people_differences(session: Session, account_id: int,
                       expected_row: dict) -> list[ProjectionDifference]:
    """Whether the account's stored owner is the one its record gives (record check).

    Moderators are left out: they are matched by email against the people as they were when
    the account was registered or corrected, and a later change of address is no tampering.
    """
    stored = set(session.scalars(select(AccountPerson.user_id).where(
        AccountPerson.account_id == account_id, AccountPerson.role == "owner")).all())
    expected = {expected_row["owner_id"]}
    if stored == expected:
        return []
    return [ProjectionDifference("account_people", str(account_id), "owner",
                                 sorted(stored), sorted(expected))]


class MyAccounts:
    """Each signed-in person's own accounts."""

    def __init__(self, uow):
        self.uow = uow

    def mine(self, user_id: int) -> list[MyAccount]:
        """The accounts the user owns or moderates, by name, with their roles in each."""
        with self.uow.read() as session:
            load_user(session, user_id)
            rows = session.execute(
                select(Account, AccountPerson.role)
                .join(AccountPerson, AccountPerson.account_id == Account.id)
                .where(AccountPerson.user_id == user_id)
                .order_by(Account.account_name, Account.id)).all()
        roles: dict[int, list[str]] = {}
        accounts: dict[int, Account] = {}
        for account, role in rows:
            accounts[account.id] = account
            roles.setdefault(account.id, []).append(role)
        return [MyAccount(
            id=a.id, request_id=a.request_id, account_name=a.account_name, channel=a.channel,
            handle=a.handle, url=a.url, status=a.status, next_review_on=a.next_review_on,
            roles=tuple(r for r in ACCOUNT_ROLES if r in roles[a.id]))
            for a in accounts.values()]
