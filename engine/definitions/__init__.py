"""What a process version is: hardened XML, our lint rules, lanes, forms and expressions.

Never touches the database."""

from ._compare import (
    FIELD_ATTRIBUTES,
    Change,
    ElementChange,
    FieldChange,
    FormChange,
    LaneRuleChange,
    VersionComparison,
    compare_sources,
)
from ._contract import Contract, NeededField, NeededTask, contract_problems
from ._elements import COMPARED_ATTRIBUTES, NODE_TAGS, DiagramElement, diagram_elements
from ._encoding import decode_diagram
from ._lanes import RULES as LANE_RULE_KINDS
from ._lanes import LaneRule
from ._process import (
    LoadedProcess,
    ProcessSource,
    load_process,
    parse_xml_safely,
    read_process_dir,
)

__all__ = [
    "COMPARED_ATTRIBUTES",
    "FIELD_ATTRIBUTES",
    "LANE_RULE_KINDS",
    "NODE_TAGS",
    "Change",
    "Contract",
    "DiagramElement",
    "ElementChange",
    "FieldChange",
    "FormChange",
    "LaneRule",
    "LaneRuleChange",
    "LoadedProcess",
    "NeededField",
    "NeededTask",
    "ProcessSource",
    "VersionComparison",
    "compare_sources",
    "contract_problems",
    "decode_diagram",
    "diagram_elements",
    "load_process",
    "parse_xml_safely",
    "read_process_dir",
]
