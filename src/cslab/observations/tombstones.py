"""The keyed hash a tombstone keeps of an erased observation's instance ID.

A tombstone must refuse the erased instance ID for good, so its key must outlive SECRET_KEY,
which an operator rotates (and which used to key these hashes: rotating it let erased
submissions come back). The key is the site's own random `TombstoneKey`, kept in the database
and therefore in every `cslab backup`, and never rotated.

Tombstones made before that key existed were keyed with the SECRET_KEY of their time. The
migration that created the key kept, instead of that secret, the two SHA-256 states HMAC starts
from (`hmac_states`): enough to compute those old hashes again, not enough to recover the
secret or to make anything Django signs with it (Django's signatures use keys derived from the
secret, never the secret itself as an HMAC key). So old tombstones keep refusing their instance
IDs after any number of SECRET_KEY rotations.
"""

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from math import isqrt

from django.db import IntegrityError, transaction

from cslab.observations.models import TombstoneKey

MESSAGE_PREFIX = "observation-instance:v1:"
BLOCK = 64
MASK = 0xFFFFFFFF


def _first_primes(count: int) -> list[int]:
    primes: list[int] = []
    candidate = 2
    while len(primes) < count:
        if all(candidate % prime for prime in primes if prime * prime <= candidate):
            primes.append(candidate)
        candidate += 1
    return primes


def _cube_root(number: int) -> int:
    root: int = round(float(number) ** (1 / 3))
    while root**3 > number:
        root -= 1
    while (root + 1) ** 3 <= number:
        root += 1
    return root


# FIPS 180-4: the fractional parts of the square roots of the first 8 primes (initial state)
# and of the cube roots of the first 64 primes (round constants), computed in integers.
_INITIAL = tuple(isqrt(prime << 64) & MASK for prime in _first_primes(8))
_ROUNDS = tuple(_cube_root(prime << 96) & MASK for prime in _first_primes(64))


def _rotate(value: int, count: int) -> int:
    return ((value >> count) | (value << (32 - count))) & MASK


def _compress(state: Sequence[int], block: bytes) -> tuple[int, ...]:
    words = [int.from_bytes(block[index : index + 4], "big") for index in range(0, BLOCK, 4)]
    for index in range(16, 64):
        low, high = words[index - 15], words[index - 2]
        sigma0 = _rotate(low, 7) ^ _rotate(low, 18) ^ (low >> 3)
        sigma1 = _rotate(high, 17) ^ _rotate(high, 19) ^ (high >> 10)
        words.append((words[index - 16] + sigma0 + words[index - 7] + sigma1) & MASK)
    a, b, c, d, e, f, g, h = state
    for index in range(64):
        choose = (e & f) ^ (~e & g)
        step1 = (h + (_rotate(e, 6) ^ _rotate(e, 11) ^ _rotate(e, 25)) + choose) & MASK
        step1 = (step1 + _ROUNDS[index] + words[index]) & MASK
        majority = (a & b) ^ (a & c) ^ (b & c)
        step2 = ((_rotate(a, 2) ^ _rotate(a, 13) ^ _rotate(a, 22)) + majority) & MASK
        a, b, c, d, e, f, g, h = (step1 + step2) & MASK, a, b, c, (d + step1) & MASK, e, f, g
    return tuple(
        (old + new) & MASK for old, new in zip(state, (a, b, c, d, e, f, g, h), strict=True)
    )


def _sha256_after(state: Sequence[int], message: bytes) -> bytes:
    """SHA-256 of (one 64-byte block that led to `state`) + `message`."""
    length = BLOCK + len(message)
    padded = message + b"\x80" + b"\x00" * ((55 - length) % BLOCK) + (length * 8).to_bytes(8, "big")
    for index in range(0, len(padded), BLOCK):
        state = _compress(state, padded[index : index + BLOCK])
    return b"".join(word.to_bytes(4, "big") for word in state)


def hmac_states(key: bytes) -> list[str]:
    """The inner and outer SHA-256 states of HMAC-SHA256 with `key`, as hex (RFC 2104)."""
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\x00")
    inner = _compress(_INITIAL, bytes(byte ^ 0x36 for byte in key))
    outer = _compress(_INITIAL, bytes(byte ^ 0x5C for byte in key))
    return ["".join(f"{word:08x}" for word in state) for state in (inner, outer)]


def hmac_from_states(states: Sequence[str], message: bytes) -> str:
    """HMAC-SHA256 (hex) of `message` under the key `states` were made from."""
    inner, outer = (
        [int(text[index : index + 8], 16) for index in range(0, 64, 8)] for text in states
    )
    return _sha256_after(outer, _sha256_after(inner, message)).hex()


def _message(instance_id: str) -> bytes:
    return f"{MESSAGE_PREFIX}{instance_id}".encode()


def site_key() -> TombstoneKey:
    """The site's tombstone key; made on first use where the migration could not (an emptied
    test database)."""
    key = TombstoneKey.objects.filter(pk=TombstoneKey.SINGLE_ID).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return TombstoneKey.objects.create(pk=TombstoneKey.SINGLE_ID, key=secrets.token_hex(32))
    except IntegrityError:  # made at the same moment by another request
        return TombstoneKey.objects.get(pk=TombstoneKey.SINGLE_ID)


def instance_hash(instance_id: str, *, key: TombstoneKey | None = None) -> str:
    """The hash a new tombstone keeps of an instance ID: HMAC-SHA256 with the site's key."""
    secret = bytes.fromhex((key or site_key()).key)
    return hmac.new(secret, _message(instance_id), hashlib.sha256).hexdigest()


def instance_hashes(instance_id: str, *, key: TombstoneKey | None = None) -> list[str]:
    """Every hash a tombstone of this instance ID may hold: the current one and, for
    tombstones older than the site's key, those keyed with the SECRET_KEYs of their time."""
    key = key or site_key()
    found = [instance_hash(instance_id, key=key)]
    found += [hmac_from_states(states, _message(instance_id)) for states in key.legacy_states]
    return found
