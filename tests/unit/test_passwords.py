"""Password hashes: salted scrypt at the standard cost, checked in constant time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine.usecases._passwords import hash_password, verify_password

ROOT = Path(__file__).resolve().parents[2]


def test_outside_the_tests_passwords_are_hashed_at_the_standard_cost():
    # The suite lowers the cost (tests/conftest.py); a fresh process shows what the service does.
    stored = subprocess.run(
        [sys.executable, "-c", "from engine.usecases._passwords import hash_password; "
                               "print(hash_password('correct horse battery'))"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    prefix, n, r, p, _, _ = stored.split("$")
    assert (prefix, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterY", stored)


def test_each_hash_is_salted_and_a_malformed_one_never_matches():
    first, second = hash_password("same"), hash_password("same")
    assert first != second and verify_password("same", first) and verify_password("same", second)
    for stored in (None, "", "md5$x", "scrypt$16384$8$1$!!$??", first.replace("scrypt", "bcrypt")):
        assert not verify_password("same", stored)
