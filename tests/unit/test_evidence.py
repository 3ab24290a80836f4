"""The evidence room on its own: Merkle proofs, signed checkpoint documents, no database."""

from __future__ import annotations

import copy

import pytest

from engine.evidence import (
    check_seal,
    generate_key_pair,
    heads_root,
    key_id,
    leaf_hash,
    merkle_proof,
    merkle_root,
    root_from_proof,
    seal_heads,
)

HEADS = [["b-stream", 3, "ab" * 32], ["a-stream", 7, "cd" * 32], ["process:x", 1, "ef" * 32]]


@pytest.fixture(scope="module")
def keys():
    """A key pair, and another one a forger might hold."""
    return generate_key_pair(), generate_key_pair()


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33])
def test_every_leaf_proves_its_way_to_the_root(size):
    leaves = [leaf_hash(f"s{i}", i + 1, f"{i:064x}") for i in range(size)]
    root = merkle_root(leaves)
    for index, leaf in enumerate(leaves):
        proof = merkle_proof(leaves, index)
        assert root_from_proof(leaf, proof) == root
        assert len(proof) <= size.bit_length()
    other = leaf_hash("s0", 1, "f" * 64)
    assert root_from_proof(other, merkle_proof(leaves, 0)) != root


def test_the_root_depends_on_every_head_and_on_how_many_there_are():
    root = heads_root(sorted(HEADS))
    changed = copy.deepcopy(sorted(HEADS))
    changed[1][1] = 2
    assert heads_root(changed) != root
    assert heads_root(sorted(HEADS)[:2]) != root


def test_a_sealed_document_holds_and_names_its_key(keys):
    (private, public), _forger = keys
    document = seal_heads(HEADS, 11, "2026-01-05T09:00:00+00:00", private, public.decode())
    assert [h[0] for h in document["heads"]] == ["a-stream", "b-stream", "process:x"]
    check = check_seal(document, public.decode())
    assert check.holds and check.key_trusted and check.key_id == key_id(public.decode())


def test_changing_anything_signed_or_listed_is_refused(keys):
    (private, public), _forger = keys
    document = seal_heads(HEADS, 11, "2026-01-05T09:00:00+00:00", private, public.decode())
    edited = copy.deepcopy(document)
    edited["statement"]["events"] = 12
    assert check_seal(edited).problems == ("signature_invalid",)
    edited = copy.deepcopy(document)
    edited["heads"][0][2] = "00" * 32
    assert check_seal(edited).problems == ("root_mismatch",)
    assert check_seal({"statement": 1}).problems == ("malformed",)


def test_a_checkpoint_signed_with_another_key_is_not_trusted(keys):
    (_private, public), (forger_private, forger_public) = keys
    forged = seal_heads(HEADS, 11, "2026-01-05T09:00:00+00:00", forger_private,
                        forger_public.decode())
    assert check_seal(forged).holds, "it is what the forger's key signed"
    check = check_seal(forged, public.decode())
    assert check.problems == ("key_not_trusted",) and check.key_trusted is False
    forged["public_key"] = public.decode()  # claiming the real key does not help
    assert "signature_invalid" in check_seal(forged, public.decode()).problems
