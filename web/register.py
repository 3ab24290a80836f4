"""The communications department's account register: filter, sort, export as CSV."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import login_required

from engine import AccountRow

from .context import get_engine, me
from .csv_export import to_csv
from .filters import local_date
from .i18n import _
from .wording import status_label

bp = Blueprint("register", __name__, url_prefix="/register")
SORTABLE = ("account_name", "channel", "owning_unit", "status", "registered_on",
            "next_review_on")


@dataclass(frozen=True)
class Query:
    """The register's filters and sort order, read from the query string."""

    status: str
    channel: str
    text: str
    sort: str
    descending: bool

    @classmethod
    def from_args(cls) -> Query:
        """Read and bound the query string; unknown sort keys fall back to the name."""
        args = request.args
        sort = args.get("sort", "account_name")
        return cls(status=args.get("status", "")[:40], channel=args.get("channel", "")[:40],
                   text=args.get("q", "")[:200], sort=sort if sort in SORTABLE else
                   "account_name", descending=args.get("dir") == "desc")

    def rows(self) -> list[AccountRow]:
        """The accounts matching the query (NotAllowed for roles without the register)."""
        return get_engine().accounts(me().id, status=self.status or None,
                                     channel=self.channel or None, text=self.text or None,
                                     sort=self.sort, descending=self.descending)

    def args(self, **changes) -> dict:
        """Query-string arguments for a link, with some changed."""
        values = {"status": self.status, "channel": self.channel, "q": self.text,
                  "sort": self.sort, "dir": "desc" if self.descending else "asc", **changes}
        return {k: v for k, v in values.items() if v}

    def sort_link(self, column: str) -> str:
        """The link behind a column header: sort by it, or flip the direction."""
        flip = column == self.sort and not self.descending
        return url_for("register.index", **self.args(sort=column, dir="desc" if flip else "asc"))

    def aria_sort(self, column: str) -> str:
        """The aria-sort value of a column header."""
        if column != self.sort:
            return "none"
        return "descending" if self.descending else "ascending"


@bp.get("/")
@login_required
def index():
    """The register as a table."""
    query = Query.from_args()
    rows = query.rows()
    facets = get_engine().account_facets(me().id)
    return render_template(
        "register.html", rows=rows, query=query, total=facets.total,
        statuses=sorted(set(facets.statuses) | {query.status} - {""}),
        channels=sorted(set(facets.channels) | {query.channel} - {""}),
        may_keep=get_engine().may_keep_register(me().id),
    )


@bp.get("/accounts.csv")
@login_required
def export():
    """The same rows as the page, as a CSV file for spreadsheets set to Swedish."""
    query = Query.from_args()
    body = to_csv(CSV_HEADER, (_csv_row(r) for r in query.rows()))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="social-media-accounts.csv"'
    return response


CSV_HEADER = (
    _("Account"), _("Handle"), _("Address"), _("Channel"), _("Unit"), _("Type of unit"),
    _("Owner"), _("Owner email"), _("Moderators"), _("Status"), _("Approved by"),
    _("Registered on"), _("Next review"), _("Closed on"), _("Reviews done"),
)


def _csv_row(row: AccountRow) -> tuple:
    # Statuses in the page's words; dates ISO (YYYY-MM-DD), which every locale reads as dates.
    return (row.account_name, row.handle, row.url, row.channel, row.owning_unit,
            row.owning_unit_type, row.owner_name, row.owner_email, "; ".join(row.moderators),
            status_label(row.status), row.approved_by or "", local_date(row.registered_on),
            local_date(row.next_review_on), local_date(row.closed_on), row.review_cycles)
