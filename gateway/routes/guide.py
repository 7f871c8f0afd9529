"""/docs/guide/: the docs site (mkdocs.yml, built by ``make docs``), next to /docs.

The site is static files, served as they are from the folder ``make docs`` writes
(``site/`` of the checkout), or the one ``GATEWAY_DOCS_SITE`` names; read at each request,
so a rebuilt site is served at once. Where none is built, the 404 says how to build it.
The pages are served under the CSP of /docs: the site's build moves Material's inline
scripts into files (docs/hooks.py), so scripts come from this origin only.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from starlette.responses import FileResponse, RedirectResponse, Response

from gateway.http.edge import Call
from gateway.http.endpoint import Endpoint
from gateway.routes.docs import CSP
from kernel.errors import NotFound

SITE_ENV = "GATEWAY_DOCS_SITE"
CHECKOUT_SITE = Path(__file__).resolve().parents[2] / "site"
PREFIX = "/docs/guide/"


def site_folder() -> Path:
    """Where the built site is: ``$GATEWAY_DOCS_SITE``, else the checkout's ``site/``."""
    return Path(os.environ.get(SITE_ENV) or CHECKOUT_SITE)


def _file(folder: Path, path: str) -> Path | None:
    """The file ``path`` names inside ``folder``; None for anything else (a folder, a
    name outside it, a name no file system takes)."""
    try:
        root = folder.resolve()
        target = (root / (path or "index.html")).resolve()
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_relative_to(root) and target.is_file() else None
    except (OSError, ValueError):  # a NUL byte, a name too long
        return None


async def guide(call: Call) -> Response:
    folder = site_folder()
    if _file(folder, "index.html") is None:
        raise NotFound(
            "the docs site is not built on this server: run 'make docs' in the gateway's "
            f"checkout, or set {SITE_ENV} to a built site's folder; /docs has the API reference"
        )
    path = call.path_params["path"]
    found = _file(folder, path)
    if found is None:
        raise NotFound(f"no page {PREFIX}{path[:200]} in the docs site; start at {PREFIX}")
    media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    headers = {"Content-Security-Policy": CSP, "Cache-Control": "no-cache"}
    return FileResponse(found, media_type=media_type, headers=headers)


async def guide_root(call: Call) -> Response:
    """``/docs/guide`` is the site's folder: its pages' relative links need the slash."""
    return RedirectResponse(PREFIX, status_code=308)


endpoints = [
    Endpoint(
        "GET",
        "/docs/guide",
        guide_root,
        "The docs site: redirects to /docs/guide/",
        "operations",
        None,
        status=308,
        errors=(),
        include_in_schema=False,  # the site's files, like the console's: not an API
    ),
    Endpoint(
        "GET",
        "/docs/guide/{path:path}",
        guide,
        "A page or file of the docs site (make docs)",
        "operations",
        None,
        query=None,
        answer="*/*",
        errors=(404,),
        include_in_schema=False,
    ),
]
