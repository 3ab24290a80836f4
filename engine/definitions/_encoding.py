"""A diagram file's bytes as text, in whatever encoding XML allows it to declare.

The encoding comes from a byte order mark, else from the XML declaration, else it is UTF-8.
A version keeps its diagram as text; a diagram read from another encoding has its declaration
say UTF-8 from then on (the text is stored and served as UTF-8), while a UTF-8 file is kept
exactly as it was read, so the content hash of every existing version stays what it was.
"""

from __future__ import annotations

import codecs
import re

from engine.errors import InvalidDiagram, Problem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# XML's own guess for a document that has no byte order mark (its appendix F)
_UNMARKED = ((b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))
_DECLARED = re.compile(
    rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]{0,39})["']""")
_DECLARATION_ENCODING = re.compile(
    r"""^(\ufeff?<\?xml[^>]{0,200}?encoding\s*=\s*["'])([A-Za-z][A-Za-z0-9._-]{0,39})(["'])""")


def _encoding_of(data: bytes) -> tuple[str, int]:
    """The codec a document's bytes are in, and the length of its byte order mark."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    for start, name in _UNMARKED:
        if data.startswith(start):
            return name, 0
    declared = _DECLARED.match(data)
    return (declared.group(1).decode("ascii") if declared else "utf-8"), 0


def _line_at(data: bytes, index: int, encoding: str) -> int:
    """The line of the byte at `index`, counted in the document's own encoding."""
    return data[:index].decode(encoding, errors="replace").count("\n") + 1


def decode_diagram(data: bytes, filename: str = "diagram") -> str:
    """The text of a diagram file; InvalidDiagram (xml.encoding) when it cannot be decoded."""
    encoding, bom = _encoding_of(data)
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InvalidDiagram([Problem("xml.encoding", {"encoding": encoding},
                                      file=filename, line=1)]) from None
    try:
        # A UTF-8 file keeps its byte order mark, as it always has (its hash depends on it).
        text = data.decode(codec) if codec == "utf-8" else data[bom:].decode(codec)
    except UnicodeDecodeError as error:
        line = _line_at(data, error.start, codec)
        raise InvalidDiagram([Problem("xml.encoding", {"encoding": encoding},
                                      file=filename, line=line)]) from None
    if codec == "utf-8":
        return text
    return _DECLARATION_ENCODING.sub(r"\g<1>UTF-8\g<3>", text, count=1)
