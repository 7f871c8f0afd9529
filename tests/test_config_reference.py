"""The configuration reference (docs/configuration.md) is generated from the config
models: the committed page is what they say today, every key is described with an
example, and a key added without a description is caught."""

from __future__ import annotations

from pydantic import Field

from gateway.config.base import _Model
from gateway.config.model import Config
from gateway.config.reference import TARGET, render, sections, undocumented


def test_the_committed_reference_is_the_models_today() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale: run 'python -m gateway.config.reference' (make docs)"
    )


def test_every_key_has_a_description_and_an_example() -> None:
    assert undocumented() == []


def test_every_key_of_the_models_has_a_row() -> None:
    found = {(s.model.__name__, row[0].strip("`")) for s in sections("", Config) for row in s.rows}
    for section in sections("", Config):
        for name in section.model.model_fields:
            assert (section.model.__name__, name) in found
    assert len(found) > 70
    page = TARGET.read_text(encoding="utf-8")
    for heading in ("## `server.state (backend: redis-sentinel)`", "## `connections.NAME.retry`"):
        assert heading in page


class Undocumented(_Model):
    """A model as someone might add a key to it: one key described, one not."""

    described: int = 3
    """Described, with its default as the example."""
    bare: int = 5
    secretive: str | None = Field(default=None)
    """Described, but with no example: its default is null."""


def test_a_key_without_a_description_or_example_is_caught() -> None:
    (section,) = sections("server.new", Undocumented)
    assert section.missing == ["server.new.bare", "server.new.secretive"]
    assert "Described, with its default as the example." in section.rows[0][3]
    assert section.rows[0][4] == "`described: 3`"
