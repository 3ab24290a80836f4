"""What the account procedure tells people, beyond the kernel's "a task is ready for you"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.store import ConversationEntry, NewMessage

from ._channels import named_channel
from ._contract import (
    APPROVAL_TASK,
    ESCALATED_TASK,
    FOLLOW_UP_TASK,
    REGISTER_TASK,
    REVIEW_TASK,
)

COMMUNICATIONS = "communications"


def notices_for(process_id: str, requester_id: int, completed: str | None,
                data: Mapping[str, Any], newly_ready: list[str]) -> list[NewMessage]:
    """The messages one step of the procedure causes (for the requester or communications)."""
    about = {"process_id": process_id, "account_name": data.get("account_name", ""),
             "channel": named_channel(data)}
    found = _decision_notice(completed, data, requester_id, about)
    if REVIEW_TASK in newly_ready:
        found.append(NewMessage("review_due", requester_id, None,
                                {**about, "due_at": data.get("review_due_at", "")}))
    if ESCALATED_TASK in newly_ready:
        found.append(NewMessage("review_escalated", None, COMMUNICATIONS, about))
    if FOLLOW_UP_TASK in newly_ready:
        # The owner said the account is not watched daily: they hear that communications
        # follows it up (communications' inbox shows the task itself).
        found.append(NewMessage("review_follow_up", requester_id, None, about))
    return found


def sends_back(completed: str | None, data: Mapping[str, Any]) -> bool:
    """Whether the manager's or communications' decision sent the request back."""
    if completed == APPROVAL_TASK:
        return data.get("manager_decision") != "approve"
    if completed == REGISTER_TASK:
        return data.get("communications_decision") != "register"
    return False


def _decision_notice(completed: str | None, data: Mapping[str, Any], requester_id: int,
                     about: dict[str, Any]) -> list[NewMessage]:
    if completed == APPROVAL_TASK:
        if not sends_back(completed, data):
            # The manager's comment, if any, goes with the approval.
            comment = str(data.get("approval_comment") or "")
            return [NewMessage("request_approved", requester_id, None,
                               {**about, "comment": comment} if comment else about)]
        return [NewMessage("request_sent_back", requester_id, None,
                           {**about, "by": "manager",
                            "reason": data.get("rejection_reason", "")})]
    if completed == REGISTER_TASK:
        if not sends_back(completed, data):
            return [NewMessage("account_registered", requester_id, None,
                               {**about, "handle": data.get("registered_handle", "")})]
        return [NewMessage("request_sent_back", requester_id, None,
                           {**about, "by": COMMUNICATIONS,
                            "reason": data.get("questions", "")})]
    return []


def conversation_entries(completed: str | None,
                         answers: Mapping[str, Any]) -> list[ConversationEntry]:
    """A send-back's words as a conversation entry: the manager's reason, communications'
    questions (so the requester's answer in the conversation keeps its context), and the
    manager's comment on an approval."""
    if completed == APPROVAL_TASK and answers.get("manager_decision") != "approve":
        return [ConversationEntry("reason", str(answers.get("rejection_reason") or ""))]
    if completed == APPROVAL_TASK and answers.get("approval_comment"):
        return [ConversationEntry("approval", str(answers["approval_comment"]))]
    if completed == REGISTER_TASK and answers.get("communications_decision") != "register":
        return [ConversationEntry("question", str(answers.get("questions") or ""))]
    return []
