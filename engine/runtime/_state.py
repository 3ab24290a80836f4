"""SpiffWorkflow state to and from JSON, with the parsed spec kept once per process version.

SpiffWorkflow's JSON embeds the whole parsed spec (most of a new instance's bytes). Instances here
store only their tasks and data; the spec comes from the version's diagram, parsed once per
process and cached, and is handed back in when an instance is restored.
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from ._scripting import SafeScriptEngine

_SCRIPT_ENGINE = SafeScriptEngine()


class _SharedSpecConverter(BpmnWorkflowConverter):
    """Writes a workflow without its spec and restores it onto a spec passed in."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """Tasks, data and subprocesses; no spec."""
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None) -> BpmnWorkflow:
        """Rebuild the workflow onto the version's cached spec."""
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value: str):
    from uuid import UUID

    return UUID(value)


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)  # a copy: never mutate SpiffWorkflow's shared config
    config[BpmnWorkflow] = _SharedSpecConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SERIALIZER = _build_serializer()


def new_workflow(spec, subprocess_specs, data: dict[str, Any] | None = None) -> BpmnWorkflow:
    """A new workflow on a spec, with our safe script engine and initial data."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=_SCRIPT_ENGINE)
    if data:
        workflow.task_tree.data.update(data)
    return workflow


def dump_state(workflow: BpmnWorkflow) -> str:
    """The workflow's state as JSON, without the spec."""
    return _SERIALIZER.serialize_json(workflow)


def load_state(state: str, spec, subprocess_specs) -> BpmnWorkflow:
    """Restore a workflow from `dump_state` output onto its version's spec."""
    dct = json.loads(state)
    _SERIALIZER.migrate(dct)
    workflow = _SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = _SCRIPT_ENGINE  # the script engine is not serialized
    return workflow
