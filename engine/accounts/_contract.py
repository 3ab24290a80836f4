"""The tasks and fields the account procedure reads, checked whenever a version is loaded."""

from __future__ import annotations

from engine.definitions import Contract, NeededField, NeededTask

REQUEST_PROCESS = "social_media_account"
REVIEW_PROCESS = "account_review"
APPROVAL_TASK = "manager_approval"
REGISTER_TASK = "register_account"
REVIEW_TASKS = ("periodic_review", "escalated_review")

_TEXT = ("string", "text")
_LINK = ("uri", "string")

REQUEST_CONTRACT = Contract(
    REQUEST_PROCESS,
    tasks=(NeededTask(APPROVAL_TASK, "the register records who approved the account"),
           NeededTask(REGISTER_TASK, "the requester is told when the account is registered")),
    fields=(
        NeededField("channel", "define_account", ("choice", "string"),
                    "the register's channel column and the request's title"),
        NeededField("account_name", "define_account", _TEXT,
                    "the register's account name and the request's title"),
        NeededField("owning_unit_type", "define_account", ("choice", "string"),
                    "the register's kind of owning unit"),
        NeededField("owning_unit", "define_account", _TEXT, "the register's owning unit"),
        NeededField("purpose", "define_account", _TEXT,
                    "the register keeps each account's purpose for its review"),
        NeededField("moderators", "plan_moderation", ("group", "list"),
                    "the register lists who moderates the account"),
        NeededField("account_url", "registration_form", _LINK,
                    "the register's link when communications gives none"),
        NeededField("registered_handle", "register_account", _TEXT,
                    "the register's handle column"),
        NeededField("registered_url", "register_account", _LINK, "the register's link"),
        NeededField("registered_on", "register_account", ("date",),
                    "the registration date, from which the first review is counted"),
        NeededField("manager_decision", APPROVAL_TASK, ("choice",),
                    "the requester is told whether the manager approved", choices=("approve",)),
        NeededField("rejection_reason", APPROVAL_TASK, _TEXT,
                    "the requester is told why the request was sent back"),
        NeededField("communications_decision", REGISTER_TASK, ("choice",),
                    "the requester is told whether the account was registered",
                    choices=("register",)),
        NeededField("questions", REGISTER_TASK, _TEXT,
                    "the requester is told what communications asks"),
    ),
)

REVIEW_CONTRACT = Contract(
    REVIEW_PROCESS,
    tasks=tuple(NeededTask(task, "the register shows when a review is due or overdue")
                for task in REVIEW_TASKS),
    fields=tuple(NeededField("review_decision", task, ("choice",),
                             "'close' closes the account in the register, anything else "
                             "starts the next review", choices=("close",))
                 for task in REVIEW_TASKS),
)

CONTRACTS = {c.process_id: c for c in (REQUEST_CONTRACT, REVIEW_CONTRACT)}
