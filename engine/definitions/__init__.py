"""What a process version is: hardened XML, our lint rules, lanes, forms and expressions.

Never touches the database."""

from ._contract import Contract, NeededField, NeededTask, contract_problems
from ._elements import COMPARED_ATTRIBUTES, NODE_TAGS, DiagramElement, diagram_elements
from ._lanes import LaneRule
from ._process import LoadedProcess, ProcessSource, load_process, read_process_dir

__all__ = [
    "COMPARED_ATTRIBUTES",
    "NODE_TAGS",
    "Contract",
    "DiagramElement",
    "LaneRule",
    "LoadedProcess",
    "NeededField",
    "NeededTask",
    "ProcessSource",
    "contract_problems",
    "diagram_elements",
    "load_process",
    "read_process_dir",
]
