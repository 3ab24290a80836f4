"""A checkpoint as a document: the signed statement over every stream's head, and its check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._hashing import canonical
from ._merkle import leaf_hash, merkle_root
from ._signing import key_id, same_key, sign, signature_valid

CHECKPOINT_FORMAT = "kontoflode-checkpoint/1"


def heads_root(heads: list[list[Any]]) -> str:
    """The Merkle root over sorted [stream, seq, head hash] leaves."""
    return merkle_root([leaf_hash(stream, seq, head) for stream, seq, head in heads])


def seal_heads(heads: list[list[Any]], events: int, created_at: str,
               private_pem: bytes, public_pem: str) -> dict[str, Any]:
    """Sign the heads of every stream: a checkpoint document without its database id."""
    heads = sorted([list(h) for h in heads], key=lambda h: h[0])
    statement = {"format": CHECKPOINT_FORMAT, "created_at": created_at, "streams": len(heads),
                 "events": events, "root": heads_root(heads), "key_id": key_id(public_pem)}
    return {"format": CHECKPOINT_FORMAT, "statement": statement,
            "signature": sign(private_pem, canonical(statement)),
            "public_key": public_pem, "heads": heads}


@dataclass(frozen=True)
class SealCheck:
    """Whether a checkpoint document is what its key signed.

    Problem codes: `malformed`, `signature_invalid` (the statement is not what the key signed),
    `key_not_trusted` (signed, but not with the trusted key), `root_mismatch` (the heads it
    lists do not give the signed root), `count_mismatch` (nor the signed number of streams).
    `key_trusted` is None when no trusted key was given to compare with.
    """

    problems: tuple[str, ...]
    key_id: str | None
    key_trusted: bool | None

    @property
    def holds(self) -> bool:
        """No problem found."""
        return not self.problems


def check_seal(document: Any, trusted_public_pem: str | None = None,
               with_heads: bool = True) -> SealCheck:
    """Check a checkpoint document's signature, key and (with_heads) its list of heads."""
    try:
        statement, signature = document["statement"], document["signature"]
        public_pem = document["public_key"]
        signed_key = key_id(public_pem)
        heads = document["heads"] if with_heads else None
    except (KeyError, TypeError, ValueError):
        return SealCheck(("malformed",), None, None)
    problems = []
    if not signature_valid(public_pem, canonical(statement), signature):
        problems.append("signature_invalid")
    trusted = None
    if trusted_public_pem is not None:
        trusted = same_key(public_pem, trusted_public_pem)
        if not trusted:
            problems.append("key_not_trusted")
    if heads is not None:
        try:
            if heads_root(heads) != statement.get("root"):
                problems.append("root_mismatch")
            if len(heads) != statement.get("streams"):
                problems.append("count_mismatch")
        except (TypeError, ValueError):
            problems.append("malformed")
    return SealCheck(tuple(problems), signed_key, trusted)
