"""``make fuzz``: schemathesis against a served gateway, 200 examples per operation.

Serves the default config (sandbox connections) from a copy in a temporary folder, so
admin calls never touch the checkout, then runs tests/test_schemathesis.py against it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.servers import ROOT, gateway


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="gateway-fuzz-"))
    config = folder / "config.yaml"
    config.write_text((ROOT / "config.yaml").read_text())
    served = gateway(config, folder).start()
    try:
        env = {
            **os.environ,
            "FUZZ_URL": served.url,
            "FUZZ_EXAMPLES": os.environ.get("FUZZ_EXAMPLES", "200"),
        }
        command = [sys.executable, "-m", "pytest", "tests/test_schemathesis.py", "-x"]
        return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    finally:
        served.stop()


if __name__ == "__main__":
    sys.exit(main())
