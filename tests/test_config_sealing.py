"""Config versions at rest: no secret in clear, and the exact text back (byte for byte,
so the same ETag) from the key or from a config that still has the secrets."""

from __future__ import annotations

import pytest

from gateway.config.sealing import Sealer, Unrestorable, new_key
from gateway.config.secrets import mask_text

TEXT = """\
server: {cursor_secret: &c "cursor-secret-value"}   # anchored
api_keys:
  - name: block
    key: |+
      block-literal-secret

  - {name: quoted, key: "quo\\"ted-secret", scopes: [admin]}
  - name: env
    key: "${APP_KEY:-env-default-secret}"
    scopes: [customers:read]
webhooks:
  - {name: w, url: "https://u:url-password@h.example/x?token=url-token&z=1",
     secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
connections: {}
"""
SECRETS = [
    "cursor-secret-value",
    "block-literal-secret",
    'quo\\"ted-secret',
    "env-default-secret",
    "url-password",
    "url-token",
    "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
]


def test_the_skeleton_holds_no_secret_and_reads_as_the_config() -> None:
    sealed = Sealer([], b"salt-one").seal(TEXT)
    assert not [s for s in SECRETS if s in sealed.skeleton]
    assert "# anchored" in sealed.skeleton and "&c" in sealed.skeleton
    assert "${APP_KEY:-***}" in sealed.skeleton
    assert "https://u:***@h.example/x?token=***&z=1" in sealed.skeleton
    assert sealed.sealed is None
    assert sealed.skeleton == mask_text(TEXT)


def test_without_a_key_the_running_config_restores_it_exactly() -> None:
    sealed = Sealer([], b"salt-one").seal(TEXT)
    assert Sealer([], b"salt-two").restore(sealed, TEXT) == TEXT  # the version's salt


def test_a_secret_changed_since_is_unrestorable_by_path() -> None:
    sealed = Sealer([], b"salt").seal(TEXT)
    rotated = TEXT.replace("url-password", "new-password").replace("env-default", "other")
    with pytest.raises(Unrestorable) as refused:
        Sealer([], b"salt").restore(sealed, rotated)
    assert refused.value.paths == ["api_keys.2.key", "webhooks.0.url"]


def test_with_the_key_any_version_comes_back_and_the_key_rotates() -> None:
    old, new = new_key().encode(), new_key().encode()
    sealed = Sealer([old], b"salt").seal(TEXT)
    assert sealed.sealed is not None and b"cursor-secret-value" not in sealed.sealed
    assert Sealer([new, old], b"salt").restore(sealed, "connections: {}\n") == TEXT
    resealed = Sealer([new, old], b"salt").seal(TEXT)
    assert Sealer([new], b"salt").restore(resealed) == TEXT
    with pytest.raises(Unrestorable):  # the old key dropped: only fingerprints are left
        Sealer([new], b"salt").restore(sealed, "connections: {}\n")


def test_a_tagged_secret_and_one_copied_into_a_comment_are_masked() -> None:
    text = (
        "connections:\n"
        "  a:\n"
        "    adapter: crm\n"
        '    base_url: "sandbox:"\n'
        "    # old: crm-live-token-2024\n"
        "    auth: {type: bearer, token: !!binary c2VjcmV0LXRva2Vu}\n"
        "  b:\n"
        "    adapter: crm\n"
        '    base_url: "sandbox:"\n'
        '    auth: {type: bearer, token: "${CRM_TOKEN:-crm-live-token-2024}"}\n'
    )
    for shown in (mask_text(text), Sealer([], b"salt").seal(text).skeleton):
        assert "c2VjcmV0LXRva2Vu" not in shown and "crm-live-token-2024" not in shown
        assert "# old: ***" in shown
