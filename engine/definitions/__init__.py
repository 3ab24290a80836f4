"""What a process version is: hardened XML, our lint rules, lanes, forms and expressions.

Never touches the database."""

from ._contract import Contract, NeededField, NeededTask, contract_problems
from ._encoding import decode_diagram
from ._lanes import LaneRule
from ._process import LoadedProcess, ProcessSource, load_process, read_process_dir

__all__ = [
    "Contract",
    "LaneRule",
    "LoadedProcess",
    "NeededField",
    "NeededTask",
    "ProcessSource",
    "contract_problems",
    "decode_diagram",
    "load_process",
    "read_process_dir",
]
