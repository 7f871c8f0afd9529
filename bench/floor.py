"""The floor: the least a pass-through proxy on this stack can cost per request.

A minimal starlette app on uvicorn (uvloop, httptools, as the gateway runs) that
forwards each GET to the upstream with one aiohttp session and answers its body,
with no parsing, mapping, caching or checks. The benchmark measures it beside the
gateway in the same run, so "miss CPU / floor CPU" says what the gateway's own work
costs on top of moving the bytes.

python bench/floor.py --port 9103 --upstream http://127.0.0.1:9101 --token bench-token
"""

from __future__ import annotations

import argparse

import aiohttp
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def app_for(upstream: str, token: str) -> Starlette:
    session: list[aiohttp.ClientSession] = []

    async def forward(request: Request) -> Response:
        if not session:
            session.append(aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()))
        url = f"{upstream}/{request.path_params['path']}"
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        async with session[0].get(url, params=request.query_params, headers=headers) as answer:
            body = await answer.read()
            return Response(body, status_code=answer.status, media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", forward)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--token", default="bench-token")
    args = parser.parse_args()
    uvicorn.run(
        app_for(args.upstream, args.token),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
