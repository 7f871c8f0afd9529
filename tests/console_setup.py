"""A gateway with something on every console page, for the console's browser tests and
``make screenshots`` (tests/console_screenshots.py): two webhooks, one of whose
receivers fails until told otherwise (its deliveries fail at once: no retry is due
within ``give_up_after``), a connection nothing answers, a key with a rate limit, and
traffic: reads, failing reads, and enough creates for a second page of audit records
and of deliveries."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.servers import Process, demo_gateway, free_port
from tests.site_config import dead_connection

DEMO = {"Authorization": "Bearer demo-key"}
ADMIN = {"Authorization": "Bearer admin-key"}
SECRET = "whsec_" + "Y29uc29sZS13ZWJob29rLXNlY3JldC0xMjM0NTY3OA=="
CREATES = 30  # customers created: a second page of audit records (25 a page)


class Receiver:
    """A webhook receiver on loopback answering ``status`` to every delivery."""

    def __init__(self, status: int) -> None:
        self.status, self.seen = status, 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.seen += 1
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    @contextlib.contextmanager
    def serving(self) -> Iterator[Receiver]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


def _edit(text: str, erp: str, mirror: str) -> str:
    for old, new in (
        ("server:\n", "server:\n  webhooks: {first_retry: 600, give_up_after: 1}\n"),
        (
            '    connections: ["*"]\n',
            '    connections: ["*"]\n    rate_limit: {requests: 600, per: 60}\n',
        ),
        ("\nconnections:\n", "\nconnections:\n" + dead_connection(free_port(), "x")),
    ):
        assert old in text, f"config.yaml no longer has {old!r}"
        text = text.replace(old, new, 1)  # the first: demo-app's connections
    return text + (
        "webhooks:\n"
        f'  - {{name: erp-sync, url: "{erp}", events: ["customer.*"], secret: "{SECRET}"}}\n'
        f'  - {{name: crm-mirror, url: "{mirror}", events: ["customer.created"], '
        f'secret: "{SECRET}"}}\n'
    )


@contextlib.contextmanager
def console_gateway(folder: Path) -> Iterator[tuple[Process, Receiver]]:
    """The gateway, and the receiver of ``erp-sync`` (answering 500 until changed)."""
    erp, mirror = Receiver(500), Receiver(204)
    with (
        erp.serving(),
        mirror.serving(),
        demo_gateway(folder, lambda text: _edit(text, erp.url, mirror.url)) as gateway,
    ):
        yield gateway, erp


def make_traffic(url: str) -> None:
    """Reads on each connection, failing ones on ``dead``, and ``CREATES`` creates."""
    with httpx.Client(base_url=url, headers=DEMO, timeout=30) as client:
        for connection, reads in (("borderbolt", 12), ("crm", 6), ("shop", 3), ("dead", 4)):
            for _ in range(reads):
                client.get("/v1/customers", params={"connection": connection})
        for n in range(CREATES):
            body = {"code": f"CONSOLE-{n}", "name": f"Console {n} B.V."}
            assert client.post("/v1/customers", json=body).status_code == 201


def sign_in(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url + "/admin/ui")
    driver.find_element(By.ID, "key").send_keys("admin-key")
    driver.find_element(By.ID, "sign-in").click()
    by_id(driver, "nav")


def by_id(driver: webdriver.Chrome, element_id: str, wait: float = 15) -> WebElement:
    WebDriverWait(driver, wait).until(lambda d: d.find_elements(By.ID, element_id))
    return driver.find_element(By.ID, element_id)


def figures_shown(driver: webdriver.Chrome, connection: str, wait: float = 30) -> int:
    """Waits (without reloading) until the page shows ``connection``'s traffic; its
    requests in the window."""

    def requests() -> str | None:
        cells = driver.find_elements(
            By.CSS_SELECTOR, f'tr[data-connection="{connection}"] td[data-requests]'
        )
        return cells[0].get_attribute("data-requests") if cells else None

    WebDriverWait(driver, wait).until(lambda _: requests())
    return int(requests() or 0)


def deliveries_settled(url: str, expected: int) -> None:
    """Waits until at least ``expected`` deliveries exist and none is pending."""

    def settled() -> bool:
        rows, cursor = [], None
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = httpx.get(url + "/admin/webhooks/deliveries", params=params, headers=ADMIN)
            rows += page.json()["data"]
            cursor = page.json()["meta"]["next_cursor"]
            if not cursor:
                break
        return len(rows) >= expected and all(r["status"] != "pending" for r in rows)

    WebDriverWait(None, 30, poll_frequency=0.3).until(lambda _: settled())  # type: ignore[arg-type]
