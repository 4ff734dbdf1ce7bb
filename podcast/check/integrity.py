"""``podcast:integrity`` with ``type="sri"``: the fetched bytes against the announced hash.

An SRI value (https://www.w3.org/TR/SRI/) is one or more ``<algorithm>-<base64>`` tokens,
each optionally followed by ``?options``; as browsers do, only the strongest algorithm
present counts, and the bytes pass when they match any of its tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

#: the algorithms SRI knows, weakest first
ALGORITHMS = ("sha256", "sha384", "sha512")


def parse_sri(value: str) -> dict[str, list[bytes]]:
    """The digests of ``value`` by algorithm; tokens of unknown algorithms are skipped
    (SRI says so), and an empty result means nothing usable was announced."""
    found: dict[str, list[bytes]] = {}
    for token in value.split():
        algorithm, dash, rest = token.partition("-")
        if not dash or algorithm not in ALGORITHMS:
            continue
        encoded = rest.split("?", 1)[0]
        try:
            digest = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(digest) == hashlib.new(algorithm).digest_size:
            found.setdefault(algorithm, []).append(digest)
    return found


def sri_mismatch(value: str, data: bytes) -> str | None:
    """Why ``data`` does not pass the SRI ``value``; ``None`` when it does."""
    digests = parse_sri(value)
    if not digests:
        return f"integrity {value!r} is not an SRI value (sha256/384/512-<base64>)"
    strongest = max(digests, key=ALGORITHMS.index)
    actual = hashlib.new(strongest, data).digest()
    if actual in digests[strongest]:
        return None
    found = base64.b64encode(actual).decode("ascii")
    return f"integrity: the {len(data):,} bytes fetched have {strongest}-{found}, not as announced"
