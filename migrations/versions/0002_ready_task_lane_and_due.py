"""ready_tasks: lane_name (from the diagram) and due_at (a boundary timer's deadline)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 18:05:00

Downgrading keeps both columns' values in a side table, and upgrading puts them back; rows
written while downgraded get them re-derived from their version's diagram and timers.
"""

import sqlalchemy as sa
from alembic import op
from lxml import etree

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEPT = "ready_tasks_kept_0002"
BPMN = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def upgrade() -> None:
    with op.batch_alter_table("ready_tasks") as batch_op:
        batch_op.add_column(sa.Column("lane_name", sa.String(length=200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))
    bind = op.get_bind()
    if sa.inspect(bind).has_table(KEPT):
        bind.execute(sa.text(
            f"UPDATE ready_tasks SET lane_name = (SELECT k.lane_name FROM {KEPT} k "
            "WHERE k.id = ready_tasks.id), due_at = (SELECT k.due_at FROM "
            f"{KEPT} k WHERE k.id = ready_tasks.id) WHERE id IN (SELECT id FROM {KEPT})"))
        op.drop_table(KEPT)
    _derive_missing(bind)


def downgrade() -> None:
    op.create_table(KEPT, sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("lane_name", sa.String(200), nullable=False),
                    sa.Column("due_at", sa.DateTime(), nullable=True))
    op.execute(f"INSERT INTO {KEPT} (id, lane_name, due_at) "
               "SELECT id, lane_name, due_at FROM ready_tasks")
    with op.batch_alter_table("ready_tasks") as batch_op:
        batch_op.drop_column("due_at")
        batch_op.drop_column("lane_name")


def _derive_missing(bind) -> None:
    """Lane names from the diagram, deadlines from the boundary timers still waiting."""
    rows = bind.execute(sa.text(
        "SELECT r.id, r.instance_id, r.task_name, v.bpmn_xml FROM ready_tasks r "
        "JOIN instances i ON i.id = r.instance_id "
        "JOIN process_versions v ON v.id = i.version_id WHERE r.lane_name = ''")).all()
    trees: dict[str, etree._Element] = {}
    for task_id, instance_id, task_name, xml in rows:
        if xml not in trees:
            trees[xml] = _parse(xml)
        tree = trees[xml]
        lane = tree.xpath("//bpmn:lane[bpmn:flowNodeRef=$n]/@name", namespaces=BPMN, n=task_name)
        timers = tree.xpath("//bpmn:boundaryEvent[@attachedToRef=$n]/@name", namespaces=BPMN,
                            n=task_name)
        due = None
        if timers:
            due = bind.execute(sa.text(
                "SELECT min(due_at) FROM timers WHERE instance_id = :i AND name IN :names"
            ).bindparams(sa.bindparam("names", expanding=True)),
                {"i": instance_id, "names": list(timers)}).scalar()
        bind.execute(sa.text("UPDATE ready_tasks SET lane_name = :lane, due_at = :due "
                             "WHERE id = :id"),
                     {"lane": lane[0] if lane else "", "due": due, "id": task_id})


def _parse(xml: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    return etree.fromstring(xml.encode("utf-8"), parser)
