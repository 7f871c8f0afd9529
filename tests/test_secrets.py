"""kernel/secrets.py: the known secrets, and the forms a passthrough answer is searched
for (gateway/routes/passthrough.py redacts with them; tests/test_passthrough.py)."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest

from kernel.secrets import KEEP_FETCHED, REDACTED, Secrets

SECRET = "t0k/en+9=é x"  # a slash, a plus, an equals sign, a space, a non-ASCII letter


def known(*values: str) -> Secrets:
    secrets = Secrets()
    secrets.set(values)
    return secrets


@pytest.mark.parametrize(
    "written",
    [
        SECRET.encode(),
        json.dumps({"echo": SECRET}).encode(),  # \u00e9
        json.dumps({"echo": SECRET}, ensure_ascii=False).encode(),
        json.dumps({"echo": SECRET}).replace("/", "\\/").encode(),  # PHP's json_encode
        f"https://up.example/cb?token={quote(SECRET, safe='')}".encode(),
        f"https://up.example/cb?token={quote(SECRET, safe='').lower()}".encode(),
        f"https://up.example/path/{quote(SECRET)}".encode(),
        f"client_secret={quote_plus(SECRET)}&grant_type=x".encode(),
    ],
)
def test_a_secret_is_found_as_an_upstream_may_have_written_it(written: bytes) -> None:
    redacted = known(SECRET).redact_bytes(b"before " + written + b" after")
    assert redacted.startswith(b"before ") and redacted.endswith(b" after")
    assert REDACTED.encode() in redacted
    assert b"t0k" not in redacted


@pytest.mark.parametrize("prefix", [b"", b"B", b"Be", b"Bearer ", b"client:"])
@pytest.mark.parametrize("encode", [base64.b64encode, base64.urlsafe_b64encode])
def test_a_secret_inside_base64_is_masked_at_any_alignment(prefix: bytes, encode: object) -> None:
    """An echoed ``Basic`` header or a request echoed as base64: the secret may start at
    any byte of a 3-byte group; at most two characters at each end of it remain."""
    assert callable(encode)
    secret = "bb-upstream-token-0123456789"
    blob = encode(prefix + secret.encode() + b" and more")
    redacted = known(secret).redact_bytes(b'{"raw": "' + blob + b'"}')
    mask = redacted.index(REDACTED.encode())
    masked = len(blob) - (len(redacted) - len(b'{"raw": ""}') - len(REDACTED))
    assert masked >= len(secret) * 4 // 3 - 4, (blob, redacted)
    assert mask - len(b'{"raw": "') <= len(prefix) * 4 // 3 + 2


def test_short_secrets_are_not_looked_for_in_base64_nor_at_all_below_4() -> None:
    """A base64 run under 8 characters, or a secret under 4, would mask ordinary text."""
    secrets = known("abcd", "xyz")
    text = b"abcd xyz " + base64.b64encode(b"abcd")
    assert secrets.redact_bytes(text) == b"*** xyz " + base64.b64encode(b"abcd")


def test_a_binary_body_is_left_byte_for_byte_but_for_the_secret() -> None:
    secret = "bb-upstream-token"
    binary = bytes(range(256)) * 16
    assert known(secret).redact_bytes(binary) is binary
    redacted = known(secret).redact_bytes(binary + secret.encode() + binary)
    assert redacted == binary + REDACTED.encode() + binary


def test_a_secret_inside_another_is_masked_whole() -> None:
    secrets = known("token", "token-longer")
    assert secrets.redact("a token-longer b token") == "a *** b ***"
    assert secrets.redact_bytes(b"a token-longer b token") == b"a *** b ***"


def test_overlapping_echoes_are_masked_together_leaving_no_part() -> None:
    secrets = known("secret-one", "one-secret")
    assert secrets.redact_bytes(b"[secret-one-secret]") == b"[***]"
    assert secrets.redact_bytes(b"[secret-oneone-secret]") == b"[***]"  # adjacent: one run


def test_fetched_tokens_outlive_a_config_change_and_never_push_out_configured_ones() -> None:
    """A connection carried over to a new config keeps its OAuth token, so its echo must
    stay masked; and however many tokens are fetched, the configured secrets stay."""
    secrets = known("configured-secret-with-a-long-value")
    secrets.add("fetched-token-0")
    secrets.set(["configured-secret-with-a-long-value", "another-configured"])
    assert secrets.redact("fetched-token-0") == REDACTED
    for n in range(1, KEEP_FETCHED + 5):
        secrets.add(f"fetched-token-{n}")
    assert secrets.redact("configured-secret-with-a-long-value another-configured") == "*** ***"
    assert secrets.redact(f"fetched-token-{KEEP_FETCHED + 4}") == REDACTED
    assert secrets.redact("fetched-token-0") == "fetched-token-0"  # the oldest went
