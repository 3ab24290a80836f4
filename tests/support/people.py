"""A small organisation and the answers a requester gives, for driving the procedure."""

from __future__ import annotations

from dataclasses import dataclass

from engine import Engine, UserView

PASSWORD = "correct horse battery"


@dataclass
class Org:
    """The people of a test organisation."""

    director: UserView
    manager: UserView
    staff: UserView
    comms: UserView
    comms2: UserView
    outsider: UserView


def make_org(engine: Engine) -> Org:
    """A director, their manager, a staff member, two communications officers, an outsider."""
    users = engine.users
    director = users.create("director", "Dana Director", "dana@ki.se", PASSWORD, ["manager"])
    manager = users.create("manager", "Maja Manager", "maja@ki.se", PASSWORD,
                           ["manager", "staff"], "director")
    staff = users.create("staff", "Sara Staff", "sara@ki.se", PASSWORD, ["staff"], "manager")
    comms = users.create("comms", "Cai Comms", "cai@ki.se", PASSWORD, ["communications"],
                         "director")
    comms2 = users.create("comms2", "Cleo Comms", "cleo@ki.se", PASSWORD, ["communications"],
                          "director")
    outsider = users.create("outsider", "Otto Outsider", "otto@ki.se", PASSWORD, ["staff"],
                            "director")
    return Org(director, manager, staff, comms, comms2, outsider)


GUIDELINES = {
    "read_guidelines": True, "accepts_authority_responsibility": True,
    "keeps_account_under_supervision": True, "uses_clear_sender": True,
}
ACCOUNT = {
    "channel": "Instagram", "account_name": "KI Neuro Lab", "owning_unit_type": "Research group",
    "owning_unit": "Department of Neuroscience, Lab of Synapses",
    "purpose": "Share the lab's research with the public and future students.",
    "goals": "Reach 1,000 followers in a year", "needs": "Recruit students and tell about results",
    "target_audiences": ["Students", "The public"],
}
MODERATION = {
    "moderators": [
        {"name": "Sara Staff", "email": "sara@ki.se", "covers_holidays": True},
        {"name": "Bo Berg", "email": "bo@ki.se", "covers_holidays": True},
    ],
    "holiday_plan": "Bo watches the account in July, Sara in December and at Easter.",
    "daily_moderation_confirmed": True,
}
APPROVE = {"manager_decision": "approve"}
REJECT = {"manager_decision": "reject", "rejection_reason": "Name the second moderator's unit."}
REGISTRATION = {"contact_email": "sara@ki.se", "planned_start": "2026-02-01",
                "wants_channel_advice": False}
REGISTER = {"communications_decision": "register", "registered_handle": "@kineurolab",
            "registered_url": "https://www.instagram.com/kineurolab",
            "registered_on": "2026-01-05"}
SEND_BACK = {"communications_decision": "send_back",
             "questions": "Is the lab's name approved by the department?"}
KEEP = {"still_moderated_daily": True, "purpose_still_holds": True, "moderators_current": True,
        "review_decision": "keep"}
CLOSE = {"still_moderated_daily": True, "purpose_still_holds": False, "moderators_current": True,
         "review_decision": "close", "comment": "The project has ended."}
# The owner's review updating the register: Bo has left, Ulla and Sara watch the account now.
UPDATE = {"still_moderated_daily": True, "purpose_still_holds": True, "moderators_current": False,
          "review_decision": "update",
          "moderators": [
              {"name": "Sara Staff", "email": "sara@ki.se", "covers_holidays": True},
              {"name": "Ulla Ung", "email": "ulla@ki.se", "covers_holidays": False},
          ],
          "purpose": "Share the lab's research with the public and recruit PhD students.",
          "comment": "Bo has left the lab; Ulla took over."}
# A follow-up by communications when the account is not watched every day.
FOLLOW_UP_KEEP = {"follow_up_actions": "Called Sara; Ulla now covers the weekends.",
                  "follow_up_decision": "keep",
                  "follow_up_comment": "Daily moderation is arranged again."}
FOLLOW_UP_CLOSE = {"follow_up_actions": "Called Sara; nobody can watch the account.",
                   "follow_up_decision": "close",
                   "follow_up_comment": "Nobody can moderate it daily."}
