"""The communications department's account register: its rows, filters and sort orders."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from engine.errors import NotAllowed
from engine.store import User
from engine.text import check_search
from engine.usecases import load_user

from ._models import Account, AccountModerator
from ._people import search_key
from ._views import AccountFacets, AccountRow

REGISTER_ROLES = frozenset({"communications", "auditor", "admin"})

ACCOUNT_SORTS = {
    "account_name": Account.account_name, "channel": Account.channel,
    "owning_unit": Account.owning_unit, "status": Account.status,
    "registered_on": Account.registered_on, "next_review_on": Account.next_review_on,
}


class Register:
    """Reading the account register."""

    def __init__(self, uow):
        self.uow = uow

    def accounts(self, user_id: int, status: str | None = None, channel: str | None = None,
                 text: str | None = None, sort: str = "account_name",
                 descending: bool = False) -> list[AccountRow]:
        """The account register, filtered and sorted, for communications, auditors and admins."""
        check_search(status, channel, text)
        with self.uow.read() as session:
            check_register_access(session, user_id)
            query = filter_accounts(account_select(), status, channel, text)
            column = ACCOUNT_SORTS.get(sort, Account.account_name)
            query = query.order_by(column.desc() if descending else column, Account.id)
            return [account_row(*row) for row in session.execute(query).all()]

    def may_view_register(self, user_id: int) -> bool:
        """Whether the user may see the account register."""
        with self.uow.read() as session:
            return bool(load_user(session, user_id).roles & REGISTER_ROLES)

    def account_facets(self, user_id: int) -> AccountFacets:
        """The statuses and channels in the register, for its filters (same access rule)."""
        with self.uow.read() as session:
            check_register_access(session, user_id)
            statuses = session.scalars(select(Account.status).distinct()).all()
            channels = session.scalars(select(Account.channel).distinct()).all()
            total = session.scalar(select(func.count()).select_from(Account))
        return AccountFacets(tuple(sorted(statuses)), tuple(sorted(channels)), total)


def check_register_access(session, user_id: int) -> None:
    """Raise NotAllowed unless the user may see the account register."""
    if not load_user(session, user_id).roles & REGISTER_ROLES:
        raise NotAllowed("register.communications_only")


def account_select():
    """Accounts with their owner's name and email and their approver's name."""
    owner, approver = aliased(User), aliased(User)
    return (select(Account, owner.name, owner.email, approver.name)
            .join(owner, owner.id == Account.owner_id)
            .outerjoin(approver, approver.id == Account.approved_by_id))


def filter_accounts(query, status, channel, text):
    """The query narrowed to a status, a channel and a search text, where given."""
    if status:
        query = query.where(Account.status == status)
    if channel:
        query = query.where(Account.channel == channel)
    if text and text.strip():
        query = query.where(matches_text(text))
    return query


def matches_text(text: str):
    """Accounts whose name, handle, unit, owner or a moderator (name or email) has the text.

    Owner and moderators are joined tables (users, account_moderators), never the request.
    """
    pattern = "%" + _like_escaped(search_key(text)) + "%"

    def like(column):
        return column.like(pattern, escape="\\")

    lowered = (func.lower(Account.account_name), func.lower(Account.owning_unit),
               func.lower(Account.handle))
    owners = select(User.id).where(or_(like(func.lower(User.name)), like(func.lower(User.email))))
    moderated = select(AccountModerator.account_id).where(
        or_(like(AccountModerator.name_key), like(AccountModerator.email_key)))
    return or_(*(like(c) for c in lowered), Account.owner_id.in_(owners),
               Account.id.in_(moderated))


def _like_escaped(text: str) -> str:
    """The text with LIKE's wildcards taken literally: "50%" finds "50%", not "50" and more."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def account_row(account: Account, owner_name, owner_email, approver_name) -> AccountRow:
    """One register row as a view."""
    listed = account.moderators or []
    moderators = tuple(m.get("name", "") if isinstance(m, dict) else str(m) for m in listed)
    contacts = tuple((str(m.get("name") or ""), str(m.get("email") or ""))
                     for m in listed if isinstance(m, dict))
    return AccountRow(
        id=account.id, request_id=account.request_id, channel=account.channel,
        account_name=account.account_name, handle=account.handle, url=account.url,
        owning_unit=account.owning_unit, owning_unit_type=account.owning_unit_type,
        owner_name=owner_name, owner_email=owner_email, moderators=moderators,
        status=account.status, approved_by=approver_name,
        registered_on=account.registered_on, next_review_on=account.next_review_on,
        closed_on=account.closed_on, review_cycles=account.review_cycles,
        purpose=account.purpose, moderator_contacts=contacts,
    )
