"""What a process version is: hardened XML, our lint rules, lanes, forms and expressions.

Never touches the database."""

from ._contract import Contract, NeededField, NeededTask, contract_problems
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
    "LANE_RULE_KINDS",
    "Contract",
    "LaneRule",
    "LoadedProcess",
    "NeededField",
    "NeededTask",
    "ProcessSource",
    "contract_problems",
    "load_process",
    "parse_xml_safely",
    "read_process_dir",
]
