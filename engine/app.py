"""Wiring: one `Engine` object built from settings, exposing every use case."""

from __future__ import annotations

from pathlib import Path

from engine.accounts import (
    CONTRACTS,
    MAIL_WORDS,
    TITLE_WORDS,
    AccountPage,
    AccountProcedure,
    MyAccounts,
    Register,
    RegisterKeeping,
    check_intervals,
)
from engine.definitions import LoadedProcess, load_process, read_process_dir
from engine.definitions.forms import VALIDATION_CODES as FORM_VALIDATION_CODES
from engine.mail import (
    KERNEL_MAIL_WORDS,
    KERNEL_TITLE_WORDS,
    DailyDigest,
    KeptMail,
    LogSender,
    MailDelivery,
    MailSender,
    MailWords,
    SmtpSender,
    SmtpSettings,
)
from engine.store import (
    KERNEL_TITLE_CODES,
    Base,
    Catalog,
    DemoClock,
    UnitOfWork,
    VersionView,
    make_db_engine,
)
from engine.usecases import (
    DEMO_CLOCK_CODES,
    Anchoring,
    AnswerCheck,
    Auditing,
    ClaimCommands,
    Commands,
    Conversations,
    CorrectionCommands,
    CoverCommands,
    DemoClockCommands,
    Directory,
    DraftEditor,
    DraftLimits,
    Identity,
    LocalPasswords,
    MailAdmin,
    Moves,
    NotifyPrefs,
    Outbox,
    PeopleAdmin,
    ProcessAdmin,
    Queries,
    Reminders,
    StuckTasks,
    TaskDrafts,
    Trials,
    WithdrawCommands,
)

from .clock import Clock, SystemClock
from .settings import Settings

# Every title code an instance may carry: the kernel's and the plugged-in procedure's.
TITLE_CODES = {**KERNEL_TITLE_CODES, **AccountProcedure.title_codes}
# Every validation code a form answer may get: the form's own, the procedure's rules' and the
# demo clock's move form's.
VALIDATION_CODES = {**FORM_VALIDATION_CODES, **AccountProcedure.rule_codes, **DEMO_CLOCK_CODES}
# Every code of a note to the person deciding a task.
NOTE_CODES = dict(AccountProcedure.note_codes)


def check_process_dir(path: Path, max_bytes: int = 2_000_000) -> LoadedProcess:
    """Check a process folder as deploy would, contract included; InvalidDiagram if refused."""
    source = read_process_dir(path)
    return load_process(source, max_bytes, CONTRACTS.get(source.process_id))


class Engine:
    """The workflow engine: users, process versions, requests, tasks, timers and the register."""

    def __init__(self, settings: Settings, clock: Clock | None = None,
                 identity: Identity | None = None):
        check_intervals(settings)
        self.settings = settings
        self.db = make_db_engine(settings.database_url)
        self.uow = UnitOfWork(self.db)
        # The demo's clock runs ahead of the given (or real) one by an offset every process
        # reads from the database; without the setting, time is what the clock says.
        base = clock or SystemClock()
        self.clock = DemoClock(self.uow, base) if settings.demo_clock else base
        # An admin moves the demo clock forward (refused when it is off).
        self.demo_clock = DemoClockCommands(self.uow, self.clock)
        self.catalog = Catalog(self.uow, self.clock, settings.max_diagram_bytes, CONTRACTS)
        self.procedure = AccountProcedure(self.catalog, settings, self.uow)
        self.users = Directory(self.uow, self.clock)
        self.identity = identity or LocalPasswords(self.uow)
        # Admins' pages of people: each change recorded on the person's stream.
        self.people = PeopleAdmin(self.uow, self.clock)
        self.commands = Commands(self.uow, self.catalog, self.clock, self.procedure)
        self.queries = Queries(self.uow, self.catalog, self.clock, self.procedure)
        # The use cases, flat on the engine for callers.
        self.start_request = self.commands.start_request
        self.complete_task = self.commands.complete_task
        self.fire_due_timers = self.commands.fire_due_timers
        self.inbox = self.queries.inbox
        self.inbox_count = self.queries.inbox_count
        self.inbox_page = self.queries.inbox_page
        self.get_task = self.queries.get_task
        # The requester checks every answer on one page before the request goes on.
        self.answers = AnswerCheck(self.uow, self.catalog, self.clock, self.procedure,
                                   self.complete_task)
        self.hold_answers = self.answers.hold_answers
        self.answer_check = self.answers.answer_check
        self.send_answers = self.answers.send_answers
        self.amend_form = self.answers.amend_form
        self.amend_answers = self.answers.amend_answers
        self.task_drafts = TaskDrafts(self.uow, self.catalog, self.clock)
        self.save_draft = self.task_drafts.save_draft
        self.load_draft = self.task_drafts.load_draft
        self.discard_draft = self.task_drafts.discard_draft
        self.my_requests = self.queries.my_requests
        self.all_requests = self.queries.all_requests
        self.get_request = self.queries.get_request
        self.request_diagram = self.queries.request_diagram
        self.register = Register(self.uow)
        self.accounts = self.register.accounts
        self.account_facets = self.register.account_facets
        self.may_view_register = self.register.may_view_register
        # Communications keeps the register: edits, closings, added accounts, ad-hoc reviews.
        self.keeping = RegisterKeeping(self.uow, self.clock, self.procedure)
        self.may_keep_register = self.keeping.may_keep
        # Each person's own accounts: those they own or moderate.
        self.my_accounts = MyAccounts(self.uow).mine
        # One account's whole life: its request, every review cycle and every recorded change.
        self.account_page = AccountPage(self.uow)
        self.account_life = self.account_page.account_life
        self.auditing = Auditing(self.uow, self.catalog, self.procedure)
        self.verify_request = self.auditing.verify_request
        self.replay_request = self.auditing.replay_request
        self.check_record = self.auditing.check_record
        self.may_audit = self.auditing.may_audit
        self.history_step = self.auditing.history_step
        self.corrections = CorrectionCommands(self.uow, self.catalog, self.clock,
                                              self.procedure)
        self.may_correct = self.corrections.may_correct
        self.reassign_task = self.corrections.reassign_task
        self.cancel_request = self.corrections.cancel_request
        self.correct_answer = self.corrections.correct_answer
        # The requester withdraws their own request before it is registered.
        self.withdrawals = WithdrawCommands(self.uow, self.catalog, self.clock, self.procedure)
        self.may_withdraw = self.withdrawals.may_withdraw
        self.check_withdraw = self.withdrawals.check_withdraw
        self.withdraw_request = self.withdrawals.withdraw_request
        # Admins' page of stuck tasks, each reassigned with reassign_task.
        self.stuck = StuckTasks(self.uow, self.clock)
        self.stuck_tasks = self.stuck.page
        # Group tasks: claimed, released or assigned within the role.
        self.claims = ClaimCommands(self.uow, self.catalog, self.clock)
        self.claim_task = self.claims.claim_task
        self.release_task = self.claims.release_task
        self.assign_task = self.claims.assign_task
        self.task_colleagues = self.claims.colleagues
        self.conversations = Conversations(self.uow, self.catalog, self.clock)
        self.add_comment = self.conversations.add_comment
        self.conversation = self.conversations.conversation
        # Holiday cover: substitutes for a range of days.
        self.cover = CoverCommands(self.uow, self.clock)
        self.set_cover = self.cover.set_cover
        self.end_cover = self.cover.end_cover
        self.cover_periods = self.cover.periods
        self.anchoring = Anchoring(self.uow, self.clock, settings)
        self.create_checkpoint = self.anchoring.create
        self.verify_checkpoint = self.anchoring.verify_for
        self.case_file = self.anchoring.case_file
        self.case_file_for = self.anchoring.case_file_for
        # Process owners' catalogue, drafts and deploys (auditors and admins read it).
        self.processes = ProcessAdmin(self.uow, self.catalog, self.clock,
                                      approval=settings.deploy_approval,
                                      limits=DraftLimits(settings.max_diagram_bytes))
        self.moves = Moves(self.uow, self.catalog, self.clock)
        self.outbox = Outbox(self.uow, self.clock)
        self.mail = MailAdmin(self.uow, self.clock)  # admins: kept mails, failed deliveries
        self.deliver_outbox = self.outbox.deliver_pending
        # Deadlines: the worker writes each task's reminder and overdue notice once.
        self.reminders = Reminders(self.uow, self.clock, settings.reminder_hours)
        self.write_reminders = self.reminders.sweep
        # How each person is told: a mail per message, or one daily digest.
        self.notify_prefs = NotifyPrefs(self.uow, self.clock)
        self.notify_mode = self.notify_prefs.mode
        self.set_notify_mode = self.notify_prefs.set_mode
        # The draft editor's page and its form preview: process owners only.
        self.editor = DraftEditor(self.uow, self.processes)
        self.editable_draft = self.editor.editable_draft
        self.preview_form = self.editor.preview_form
        # Dry runs of the draft read its files through the process administration.
        self.trials = Trials(self.uow, self.catalog, self.clock,
                             lambda user_id, process_id: self.processes.draft(
                                 user_id, process_id).source,
                             self.procedure)

    def mail_words(self) -> MailWords:
        """The words of every kind of message, the kernel's and the procedure's."""
        return MailWords(self.settings.base_url, {**KERNEL_MAIL_WORDS, **MAIL_WORDS},
                         {**KERNEL_TITLE_WORDS, **TITLE_WORDS})

    def mail_sender(self) -> MailSender:
        """The mail sender the settings say: SMTP, kept (the demo) or logged."""
        s = self.settings
        if s.mail == "smtp":
            return SmtpSender(SmtpSettings(s.smtp_host, s.smtp_port, s.smtp_tls, s.smtp_user,
                                           s.smtp_password, s.mail_from))
        if s.mail == "log":
            return LogSender()
        return KeptMail(self.uow, self.clock)

    def delivery_port(self) -> MailDelivery:
        """The worker's delivery port, through the configured sender."""
        return MailDelivery(self.uow, self.clock, self.mail_sender(), self.mail_words())

    def daily_digest(self, sender: MailSender | None = None) -> DailyDigest:
        """The worker's daily digest at the configured hour, through `sender` or the settings'."""
        return DailyDigest(self.uow, self.clock, sender or self.mail_sender(),
                           self.mail_words(), self.settings.digest_hour)

    def authenticate(self, username: str, password: str):
        """The signed-in user's view, or None for wrong credentials."""
        user_id = self.identity.authenticate(username, password)
        return self.users.get(user_id) if user_id is not None else None

    def create_schema(self) -> None:
        """Create the tables directly (tests); deployments use Alembic migrations instead."""
        Base.metadata.create_all(self.db)

    def deploy_process(self, name_or_path: str | Path, actor_id: int | None = None,
                       reason: str = "") -> VersionView:
        """Deploy a process folder (a name under the processes folder, or a path)."""
        path = Path(name_or_path)
        if not path.is_dir():
            path = self.settings.processes_dir / str(name_or_path)
        return self.catalog.deploy(read_process_dir(path), actor_id, reason)

    def deploy_all(self, actor_id: int | None = None, reason: str = "") -> list[VersionView]:
        """Deploy every process folder; unchanged ones are left as they are."""
        return [self.deploy_process(path, actor_id, reason)
                for path in sorted(self.settings.processes_dir.iterdir())
                if path.is_dir() and (path / f"{path.name}.bpmn").is_file()]

    def dispose(self) -> None:
        """Close the database connections."""
        self.db.dispose()
