"""Serve one sandbox simulator as its own process, for the benchmark and the
multi-process tests (``gateway simulate`` with the call log turned off).

python bench/simulator.py borderbolt --port 9101 --token bench-token --latency 0.002

``--customers N`` seeds BorderBolt's tenant with N customers (``make bench-scale``).
"""

from __future__ import annotations

import argparse

import uvicorn

from adapters import ADAPTERS
from adapters.borderbolt.simulator import BorderBoltSimulator
from adapters.sandbox import Credentials


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("adapter", choices=sorted(ADAPTERS))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default="bench-token")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--customers", type=int, help="BorderBolt: customers seeded")
    args = parser.parse_args()
    if args.customers and args.adapter == "borderbolt":
        sandbox = BorderBoltSimulator(token=args.token, customers=args.customers).sandbox
    else:
        sandbox = ADAPTERS[args.adapter].sandbox(credentials=Credentials(token=args.token))
    sandbox.latency = args.latency
    sandbox.calls = type(sandbox.calls)(maxlen=1)  # no call log to grow under load
    uvicorn.run(sandbox, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
