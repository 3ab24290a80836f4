"""The account procedure as the kernel's plug-in: titles, follow-ups, subjects, contracts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import Message
from engine.runtime import Snapshot
from engine.store import Catalog, ConversationEntry, Instance, NewMessage, Title

from ._account_log import account_chain_differences
from ._channels import ADDRESS_CODES, address_problems, named_channel
from ._contract import (
    APPROVAL_TASK,
    CONTRACTS,
    REGISTER_TASK,
    REQUEST_PROCESS,
    REVIEW_PROCESS,
    TITLE_CODES,
)
from ._dates import date_problems
from ._entry_check import ENTRY_CODES
from ._keeping import added_row_differences
from ._lifecycle import (
    FollowUp,
    apply_follow_up,
    follow_correction,
    plan_follow_up,
    register_row_differences,
    review_seed,
)
from ._mail_words import TITLE_WORDS
from ._models import Account
from ._moderation import NOTE_CODES, RULE_CODES, moderation_messages, plan_notes
from ._notices import conversation_entries, notices_for, sends_back
from ._register import account_row, account_select
from ._review_rules import REVIEW_RULE_CODES, person_finder, review_messages
from ._views import AccountRow


class AccountProcedure:
    """Opening, registering and reviewing social media accounts (implements `Procedure`)."""

    request_process = REQUEST_PROCESS
    # The list of all requests shows each request and the review cycles of its account.
    listed_processes = (REQUEST_PROCESS, REVIEW_PROCESS)
    title_words = TITLE_WORDS  # a title pasted whole into a search finds itself
    contracts = CONTRACTS

    def __init__(self, catalog: Catalog, settings, uow=None):
        self.catalog = catalog
        self.settings = settings
        # Reads the register and the people outside a step's write (a review's update).
        self.uow = uow
        self.find_person = person_finder(uow) if uow is not None else None

    title_codes = TITLE_CODES
    # The moderation rules', the review's and the register entry check's (communications' forms).
    rule_codes = {**RULE_CODES, **REVIEW_RULE_CODES, **ENTRY_CODES, **ADDRESS_CODES}
    note_codes = NOTE_CODES

    def check(self, process_id: str, task_name: str,
              answers: Mapping[str, Any]) -> dict[str, list[Message]]:
        """Every answer listing moderators, at opening and at review: the moderation rules;
        a review's "keep" only with its checks ticked, its new owner only a known person."""
        return {**moderation_messages(answers),
                **review_messages(process_id, task_name, answers, self.find_person)}

    def notes(self, process_id: str, task_name: str,
              data: Mapping[str, Any]) -> tuple[Message, ...] | None:
        """The manager's approval: what the moderation plan lacks."""
        return plan_notes(process_id, task_name, data)

    def title(self, process_id: str, data: Mapping[str, Any], current: Title | None) -> Title:
        """A request is called by its account and channel once they are known."""
        if process_id == REQUEST_PROCESS and data.get("account_name") and data.get("channel"):
            return Title("account_request", {"account_name": data["account_name"],
                                             "channel": named_channel(data)})
        return current or Title("account_request.new")


    def ends_withdrawal(self, task_name: str, data: Mapping[str, Any]) -> bool:
        """Registered: from then on only an admin cancels (a send-back with questions is not)."""
        return task_name == REGISTER_TASK and data.get("communications_decision") == "register"
    def plan(self, instance: Instance, snapshot: Snapshot, now: datetime) -> FollowUp | None:
        """The register row or the next review cycle, prepared outside the write."""
        return plan_follow_up(self, instance, snapshot, now)

    def apply(self, session: Session, plan: FollowUp | None, instance: Instance,
              snapshot: Snapshot, now: datetime) -> None:
        """Write the register row, the review status or the next cycle in the step's write."""
        apply_follow_up(session, plan, instance, snapshot, now)

    def notices(self, process_id: str, requester_id: int, completed: str | None,
                data: Mapping[str, Any], newly_ready: list[str]) -> list[NewMessage]:
        """Approved, sent back, registered, review due, review escalated."""
        return notices_for(process_id, requester_id, completed, data, newly_ready)

    def conversation(self, process_id: str, completed: str,
                     answers: Mapping[str, Any]) -> list[ConversationEntry]:
        """The manager's reason and the communications department's questions."""
        return conversation_entries(completed, answers)

    def projection_differences(self, session: Session, instance: Instance,
                               data: Mapping[str, Any], completed: bool) -> list:
        """How the register row of a registered request, or of an added account (checked with
        each of its review cycles), differs from its record."""
        return (register_row_differences(session, instance, data, completed)
                + added_row_differences(session, instance)
                + account_chain_differences(session, instance))

    def corrected(self, session: Session, instance: Instance, data: Mapping[str, Any],
                  completed: bool, now: datetime) -> None:
        """A registered request's register row follows its corrected answers."""
        follow_correction(session, instance, data, completed, now)

    def sends_back(self, process_id: str, completed: str, data: Mapping[str, Any]) -> bool:
        """The manager rejected, or communications sent the registration back with questions."""
        return process_id == REQUEST_PROCESS and sends_back(completed, data)

    def answer_problems(self, process_id: str, task_name: str, data: Mapping[str, Any],
                        today: date, earlier: Mapping[str, Any]) -> dict[str, list[Message]]:
        """A registration dated after today, a planned start before today, an address that is
        not https or not on the chosen channel."""
        if process_id != REQUEST_PROCESS:
            return {}
        return {**address_problems(task_name, data, earlier),
                **date_problems(task_name, data, today)}

    def prefill(self, process_id: str, task_name: str,
                data: Mapping[str, Any]) -> dict[str, Any]:
        """Communications' register form starts from the address the requester gave."""
        if process_id == REQUEST_PROCESS and task_name == REGISTER_TASK and data.get(
                "account_url"):
            return {"registered_url": data["account_url"]}
        return {}

    def checked_before(self, process_id: str) -> str | None:
        """The requester checks all their answers before the manager's approval."""
        return APPROVAL_TASK if process_id == REQUEST_PROCESS else None

    def subject(self, session: Session, instance: Instance) -> AccountRow | None:
        """The register row a review cycle is about."""
        if instance.account_id is None:
            return None
        row = session.execute(account_select().where(Account.id == instance.account_id)).first()
        return account_row(*row) if row else None

    def trial_data(self, process_id: str, now: datetime) -> dict[str, Any]:
        """A dry run of a review cycle starts as a real one would for an account registered now."""
        if process_id != REVIEW_PROCESS:
            return {}
        return review_seed(self.settings, {}, now.date(), now)
