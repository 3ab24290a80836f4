"""Ed25519 keys and signatures for checkpoints (the private key lives outside the database)."""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def generate_key_pair() -> tuple[bytes, bytes]:
    """A new key pair as PEM: (private key, public key)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return private, public_pem_of(private).encode("ascii")


def _private_key(private_pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def _public_key(public_pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(public_pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_pem_of(private_pem: bytes) -> str:
    """The public key (PEM text) of a private key in PEM."""
    return _private_key(private_pem).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo,
    ).decode("ascii")


def key_id(public_pem: str) -> str:
    """A short fingerprint of a public key: SHA-256 of its raw 32 bytes, first 16 hex digits."""
    raw = _public_key(public_pem).public_bytes(serialization.Encoding.Raw,
                                               serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(private_pem: bytes, message: bytes) -> str:
    """The Ed25519 signature of a message, in hex."""
    return _private_key(private_pem).sign(message).hex()


def signature_valid(public_pem: str, message: bytes, signature: str) -> bool:
    """Whether a hex signature of the message verifies with the public key (False if malformed)."""
    try:
        _public_key(public_pem).verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def same_key(public_pem: str, other_pem: str) -> bool:
    """Whether two public keys in PEM are the same key."""
    try:
        return key_id(public_pem) == key_id(other_pem)
    except (ValueError, TypeError):
        return False
