"""The typed clients, generated from the gateway's own OpenAPI document.

``python -m tests.clients`` (``make clients``) serves the default config.yaml (its
sandbox connections) in process, reads /openapi.json, and writes under clients/:
``openapi.json`` (the document itself), ``python/`` (openapi-python-client, configured
by clients/openapi-python-client.yaml) and ``typescript/src/schema.d.ts``
(openapi-typescript; the thin openapi-fetch client beside it is written by hand).
tests/test_clients.py generates again into a temporary folder and fails when the
committed clients differ, or when openapi-python-client warns about any operation.
Hand-writing these would mean keeping ~50 operations and their models in step by hand;
the generators read the one document the gateway already proves (schemathesis, linters).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from gateway.app import create_app
from gateway.config.text import parse_config

ROOT = Path(__file__).parent.parent
CLIENTS = ROOT / "clients"
NODE_BIN = CLIENTS / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
GENERATED = ("openapi.json", "python", "typescript/src/schema.d.ts")
INSTALLED = CLIENTS / "node_modules" / ".installed"  # the Makefile's stamp too


def ensure_node_tools() -> Path:
    """clients/node_modules as the lock file pins it: ``npm ci`` when missing or older
    than the lock (as ``make node-tools`` does), one installer at a time (test workers)."""
    lock = CLIENTS / "package-lock.json"
    tag = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    with open(Path(tempfile.gettempdir()) / f"gateway-node-tools-{tag}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not INSTALLED.exists() or INSTALLED.stat().st_mtime < lock.stat().st_mtime:
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=CLIENTS,
                check=True,
                capture_output=True,
            )
            INSTALLED.touch()
    return NODE_BIN


async def fetch_document(config_text: str | None = None) -> dict[str, Any]:
    """/openapi.json of a gateway serving ``config_text`` (default: config.yaml)."""
    text = config_text or (ROOT / "config.yaml").read_text(encoding="utf-8")
    app = create_app(parse_config(text, env={}))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            answer = await client.get("/openapi.json")
            answer.raise_for_status()
            document: dict[str, Any] = answer.json()
            return document
    finally:
        await app.state.runtime.aclose()


def document() -> dict[str, Any]:
    return asyncio.run(fetch_document())


def write_document(document: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def generate_python(spec: Path, target: Path) -> str:
    """The Python client generated into ``target``; returns the generator's output."""
    shutil.rmtree(target, ignore_errors=True)
    done = subprocess.run(
        [
            str(VENV_BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--config",
            str(CLIENTS / "openapi-python-client.yaml"),
            "--meta",
            "uv",
            "--output-path",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"openapi-python-client failed:\n{output}")
    _import_unset(target)
    return output


IMPORTS = "from ...types import Response, UNSET\n"


def _import_unset(target: Path) -> None:
    """openapi-python-client 0.29.1 types an operation with several body media types
    (the config as JSON or YAML, a passthrough body as JSON or bytes) as ``... | Unset``
    without importing ``Unset``: the module would not import. Added where so used."""
    for module in target.glob("*/api/*/*.py"):
        text = module.read_text(encoding="utf-8")
        imported = re.search(r"^from \.\.\.types import .*\bUnset\b", text, re.MULTILINE)
        if "| Unset = UNSET" in text and not imported:
            fixed = text.replace(IMPORTS, "from ...types import Response, UNSET, Unset\n", 1)
            module.write_text(fixed, encoding="utf-8")


def generate_typescript(spec: Path, target: Path) -> str:
    """The TypeScript types (``paths``, ``components``, ``operations``) into ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            str(NODE_BIN / "openapi-typescript"),
            str(spec),
            "--output",
            str(target),
            # A field with a default is optional to send (every field of a merge patch).
            "--default-non-nullable",
            "false",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"openapi-typescript failed:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def generate(root: Path, document: dict[str, Any]) -> str:
    """Every generated file under ``root`` (clients/, or a temporary copy of it)."""
    spec = write_document(document, root / "openapi.json")
    said = generate_python(spec, root / "python")
    generate_typescript(spec, root / "typescript" / "src" / "schema.d.ts")
    return said


def main() -> int:
    ensure_node_tools()
    said = generate(CLIENTS, document())
    print(said, file=sys.stderr)
    print("wrote clients/openapi.json, clients/python, clients/typescript/src/schema.d.ts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
