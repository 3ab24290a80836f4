"""What a process version is: hardened XML, our lint rules, lanes, forms and expressions.

Never touches the database."""

from ._lanes import LaneRule
from ._process import LoadedProcess, ProcessSource, load_process, read_process_dir

__all__ = ["LaneRule", "LoadedProcess", "ProcessSource", "load_process", "read_process_dir"]
