"""What the account procedure's messages say by mail (English for now), and its titles."""

from __future__ import annotations

from engine.mail import Template

_ACCOUNT = "{account_name} on {channel}"

MAIL_WORDS: dict[str, tuple[str, Template]] = {
    "request_approved": (
        f"Approved: {_ACCOUNT}",
        lambda p: (f"Hello {{name}},\n\nYour manager approved the account {_ACCOUNT}.\n"
                   + ("\nYour manager's comment:\n{comment}\n\n" if p.get("comment") else "")
                   + "Next, register it with the communications department: {link}\n"),
    ),
    "request_sent_back": (
        f"Sent back: {_ACCOUNT}",
        f"Hello {{name}},\n\nYour request for {_ACCOUNT} was sent back.\n"
        "Reason: {reason}\n\nSee it here: {link}\n",
    ),
    "account_registered": (
        f"Registered: {_ACCOUNT}",
        f"Hello {{name}},\n\nThe communications department registered {_ACCOUNT} "
        "as {handle}.\n\nSee it here: {link}\n",
    ),
    "review_due": (
        f"Review due: {_ACCOUNT}",
        f"Hello {{name}},\n\nIt is time to review the account {_ACCOUNT} "
        "(due {due_at}).\n\nSee it here: {link}\n",
    ),
    "review_escalated": (
        f"Review unanswered: {_ACCOUNT}",
        f"Hello {{name}},\n\nThe review of {_ACCOUNT} has not been answered; "
        "please follow it up.\n\nSee it here: {link}\n",
    ),
    "review_follow_up": (
        f"Follow-up of your review: {_ACCOUNT}",
        f"Hello {{name}},\n\nYour review of {_ACCOUNT} says the account is not watched every "
        "day. The communications department will contact you to follow this up.\n\n"
        "See it here: {link}\n",
    ),
}

TITLE_WORDS: dict[str, str] = {
    "account_request.new": "New social media account",
    "account_request": _ACCOUNT,
    # A review's title always carries its year (see `_lifecycle.review_title`).
    "account_review": "Review {year} of {account_name} on {channel}",
}
