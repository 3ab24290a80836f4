"""A Merkle tree over stream heads, as RFC 6962 builds it: leaves and nodes hashed apart."""

from __future__ import annotations

import hashlib

from ._hashing import canonical

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_hash(stream: str, seq: int, head: str) -> str:
    """The leaf of one stream's head: SHA-256 of 0x00 and the canonical [stream, seq, hash]."""
    return hashlib.sha256(b"\x00" + canonical([stream, seq, head])).hexdigest()


def _node(left: str, right: str) -> str:
    return hashlib.sha256(b"\x01" + bytes.fromhex(left) + bytes.fromhex(right)).hexdigest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _root(leaves: list[str], lo: int, hi: int) -> str:
    if hi - lo == 1:
        return leaves[lo]
    k = _split(hi - lo)
    return _node(_root(leaves, lo, lo + k), _root(leaves, lo + k, hi))


def merkle_root(leaves: list[str]) -> str:
    """The root of a list of leaf hashes (the hash of nothing for no leaves)."""
    return _root(leaves, 0, len(leaves)) if leaves else EMPTY_ROOT


def merkle_proof(leaves: list[str], index: int) -> list[list[str]]:
    """The audit path of one leaf, bottom up: [side, hash] pairs, side of the sibling."""
    path: list[list[str]] = []
    lo, hi = 0, len(leaves)
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(["right", _root(leaves, lo + k, hi)])
            hi = lo + k
        else:
            path.append(["left", _root(leaves, lo, lo + k)])
            lo = lo + k
    return list(reversed(path))


def root_from_proof(leaf: str, proof: list[list[str]]) -> str:
    """The root an audit path leads to from a leaf."""
    digest = leaf
    for side, sibling in proof:
        digest = _node(sibling, digest) if side == "left" else _node(digest, sibling)
    return digest
