"""The tasks and fields the account procedure reads, checked whenever a version is loaded.

Each need carries a reason code (the web words it) that tells a process owner why it is needed.
"""

from __future__ import annotations

from engine.definitions import Contract, NeededField, NeededTask

REQUEST_PROCESS = "social_media_account"
REVIEW_PROCESS = "account_review"
APPROVAL_TASK = "manager_approval"
REGISTER_TASK = "register_account"
REVIEW_TASK = "periodic_review"  # the owner's yearly review
ESCALATED_TASK = "escalated_review"  # communications, when the owner never answered
FOLLOW_UP_TASK = "moderation_follow_up"  # communications, when the account is not watched daily
REVIEW_TASKS = (REVIEW_TASK, ESCALATED_TASK, FOLLOW_UP_TASK)
# What the owner confirms before "keep" is accepted (the plug-in's check refuses it otherwise).
REVIEW_CHECKS = ("still_moderated_daily", "purpose_still_holds", "moderators_current")

# What its instances are called (code -> params); the web words them.
TITLE_CODES: dict[str, tuple[str, ...]] = {
    "account_request.new": (),  # a request before its account is named
    "account_request": ("account_name", "channel"),
    # year: of the review's due date, so one year's review is told from the next ("Review
    # 2027 of ..."); titles stored before it was given have none.
    "account_review": ("account_name", "channel", "year"),
}

_TEXT = ("string", "text")
_LINK = ("uri", "string")

REQUEST_CONTRACT = Contract(
    REQUEST_PROCESS,
    tasks=(NeededTask(APPROVAL_TASK, "approver_recorded"),
           NeededTask(REGISTER_TASK, "registration_notice")),
    fields=(
        NeededField("channel", "define_account", ("choice", "string"),
                    "register_channel"),
        NeededField("channel_name", "define_account", _TEXT, "register_channel_name"),
        NeededField("account_name", "define_account", _TEXT,
                    "register_name"),
        NeededField("owning_unit_type", "define_account", ("choice", "string"),
                    "register_unit_type"),
        NeededField("owning_unit", "define_account", _TEXT, "register_unit"),
        NeededField("purpose", "define_account", _TEXT,
                    "register_purpose"),
        NeededField("moderators", "plan_moderation", ("group", "list"),
                    "register_moderators"),
        NeededField("account_url", "registration_form", _LINK,
                    "register_link_fallback"),
        NeededField("registered_handle", "register_account", _TEXT,
                    "register_handle"),
        NeededField("registered_url", "register_account", _LINK, "register_link"),
        NeededField("registered_on", "register_account", ("date",),
                    "first_review_date"),
        NeededField("manager_decision", APPROVAL_TASK, ("choice",),
                    "approval_notice", choices=("approve",)),
        NeededField("rejection_reason", APPROVAL_TASK, _TEXT,
                    "rejection_notice"),
        NeededField("communications_decision", REGISTER_TASK, ("choice",),
                    "registration_notice",
                    choices=("register",)),
        NeededField("questions", REGISTER_TASK, _TEXT,
                    "questions_notice"),
    ),
)

# What the plug-in gives each review it starts (see `_lifecycle`): its timers read the first two;
# the owner's form starts from the register's moderators and purpose.
REVIEW_SEED = ("review_due_at", "review_grace", "channel", "account_name", "moderators",
               "purpose")

_DECISION = NeededField("review_decision", REVIEW_TASK, ("choice",), "review_decision",
                        choices=("keep", "update", "close"))

REVIEW_CONTRACT = Contract(
    REVIEW_PROCESS,
    tasks=tuple(NeededTask(task, "review_status")
                for task in REVIEW_TASKS),
    fields=(
        _DECISION,
        *(NeededField(name, REVIEW_TASK, ("boolean",), "review_keep_check")
          for name in REVIEW_CHECKS),
        NeededField("moderators", REVIEW_TASK, ("group", "list"), "review_moderators"),
        NeededField("purpose", REVIEW_TASK, _TEXT, "review_purpose"),
        NeededField("new_owner_email", REVIEW_TASK, ("email",), "review_new_owner"),
        NeededField("comment", REVIEW_TASK, _TEXT, "review_reason"),
        NeededField("review_decision", ESCALATED_TASK, ("choice",), "review_decision",
                    choices=("close",)),
        NeededField("follow_up_decision", FOLLOW_UP_TASK, ("choice",), "follow_up_decision",
                    choices=("close",)),
        NeededField("follow_up_comment", FOLLOW_UP_TASK, _TEXT, "follow_up_reason"),
    ),
    given=REVIEW_SEED,
)

CONTRACTS = {c.process_id: c for c in (REQUEST_CONTRACT, REVIEW_CONTRACT)}
