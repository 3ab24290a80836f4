"""Evidence an auditor can check without the database: canonical hashes, the Merkle tree over
stream heads, Ed25519 signatures, checkpoint documents and case files.

Uses only the standard library and `cryptography`, so a case file can be checked anywhere."""

from ._casefile import CASE_FORMAT, CaseFileCheck, check_case_file
from ._hashing import GENESIS, canonical, chain_problem, content_digest, event_digest
from ._merkle import EMPTY_ROOT, leaf_hash, merkle_proof, merkle_root, root_from_proof
from ._seal import CHECKPOINT_FORMAT, SealCheck, check_seal, heads_root, seal_heads
from ._signing import generate_key_pair, key_id, public_pem_of, same_key, signature_valid

__all__ = [
    "CASE_FORMAT",
    "CHECKPOINT_FORMAT",
    "EMPTY_ROOT",
    "GENESIS",
    "CaseFileCheck",
    "SealCheck",
    "canonical",
    "chain_problem",
    "check_case_file",
    "check_seal",
    "content_digest",
    "event_digest",
    "generate_key_pair",
    "heads_root",
    "key_id",
    "leaf_hash",
    "merkle_proof",
    "merkle_root",
    "public_pem_of",
    "root_from_proof",
    "same_key",
    "seal_heads",
    "signature_valid",
]
