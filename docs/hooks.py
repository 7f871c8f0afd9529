"""MkDocs hooks of the docs site (mkdocs.yml): what is generated at build time.

- ``openapi.json``, the document ``/openapi.json`` serves, written into the site, and
  the API reference page (api.md) with every operation rendered from it
  (gateway/http/openapi_markdown.py): the reference cannot drift from the endpoints.
- Inline scripts moved to files: Material for MkDocs writes a few small inline
  ``<script>``s, and the gateway serves the site at /docs/guide/ under the same CSP as
  /docs (scripts from its own origin only). Each is written to
  ``assets/inline/<sha256>.js`` and loaded from there, at the same place in the page,
  so it runs exactly as it would inline.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from gateway.http.openapi import spec
from gateway.http.openapi_markdown import render
from gateway.routes import ENDPOINTS

API_PAGE = "api.md"
INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)
scripts: dict[str, str] = {}  # file name -> script, for this build


def on_files(files: Files, config: Any) -> Files:
    document = json.dumps(spec(ENDPOINTS), indent=2, ensure_ascii=False) + "\n"
    files.append(File.generated(config, "openapi.json", content=document))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri != API_PAGE:
        return markdown
    return markdown.rstrip("\n") + "\n\n" + render(spec(ENDPOINTS))


def _externalised(html: str, root: str) -> str:
    def to_file(match: re.Match[str]) -> str:
        script = match.group(1)
        name = hashlib.sha256(script.encode()).hexdigest()[:20] + ".js"
        scripts[name] = script
        return f'<script src="{root}assets/inline/{name}"></script>'

    return INLINE.sub(to_file, html)


def on_post_page(output: str, page: Any, config: Any) -> str:
    return _externalised(output, "../" * page.url.count("/"))


def on_post_template(output: str, template_name: str, config: Any) -> str:
    return _externalised(output, "") if template_name.endswith(".html") else output


def on_post_build(config: Any) -> None:
    folder = Path(config["site_dir"]) / "assets" / "inline"
    folder.mkdir(parents=True, exist_ok=True)
    for name, script in scripts.items():
        (folder / name).write_text(script, encoding="utf-8")
