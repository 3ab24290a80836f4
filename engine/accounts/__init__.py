"""The social media account procedure, plugged into the kernel: the register, the yearly
review cycle, request titles, and the contract of tasks and fields it reads."""

from ._account_page import (
    LIFE_CODES,
    REVIEW_STAGES,
    AccountLife,
    AccountPage,
    LifeEntry,
    OpeningRequest,
    ReviewCycle,
)
from ._contract import CONTRACTS, REQUEST_PROCESS, REVIEW_PROCESS
from ._keeping import EntryForm, ImportResult, RegisterKeeping, RowProblem
from ._mail_words import MAIL_WORDS, TITLE_WORDS
from ._models import Account, AccountModerator, AccountPerson
from ._people import MyAccount, MyAccounts
from ._plugin import AccountProcedure
from ._register import Register
from ._schedule import DUE_TIME, check_intervals, due_date_of, next_review_due
from ._views import AccountFacets, AccountRow

__all__ = [
    "CONTRACTS",
    "DUE_TIME",
    "LIFE_CODES",
    "MAIL_WORDS",
    "REQUEST_PROCESS",
    "REVIEW_PROCESS",
    "REVIEW_STAGES",
    "TITLE_WORDS",
    "Account",
    "AccountFacets",
    "AccountLife",
    "AccountModerator",
    "AccountPage",
    "AccountPerson",
    "AccountProcedure",
    "AccountRow",
    "EntryForm",
    "ImportResult",
    "LifeEntry",
    "MyAccount",
    "MyAccounts",
    "OpeningRequest",
    "Register",
    "RegisterKeeping",
    "ReviewCycle",
    "RowProblem",
    "check_intervals",
    "due_date_of",
    "next_review_due",
]
