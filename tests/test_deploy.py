"""The deploy kit (deploy/), checked offline since no image can be built or cluster
reached here: the Dockerfile under hadolint, compose.yaml against the compose-spec JSON
schema (vendored), the Kubernetes manifests against the Kubernetes API's own schemas
(kubernetes-validate), the systemd unit under systemd-analyze, HAProxy's config under
haproxy -c, and every config the kit ships loaded as the gateway loads it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from kubernetes_validate import utils as kubernetes
from ruamel.yaml import YAML

from gateway.config.model import Config
from gateway.config.sealing import new_key
from gateway.config.text import parse_config
from tests.servers import ROOT

DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
BIN = ROOT / ".venv" / "bin"
MANIFESTS = sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")
KUBERNETES_VERSIONS = ("1.30.0", kubernetes.latest_version())


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def plain(data: Any) -> Any:
    """YAML data as plain JSON types (what a schema validator expects)."""
    return json.loads(json.dumps(data))


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(BIN))
    if found is None:
        pytest.fail(f"{name} is not installed: make test installs it", pytrace=False)
    return found


def env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines())
    return {k.strip(): v.strip() for k, v in (p for p in pairs if len(p) == 2) if k[:1] != "#"}


def references(text: str) -> set[str]:
    """The ${VAR} names a config text reads."""
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text))


# Dockerfile ---------------------------------------------------------------------------


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def test_the_dockerfile_is_clean_under_hadolint() -> None:
    run = subprocess.run(
        [tool("hadolint"), str(DEPLOY / "Dockerfile")], capture_output=True, text=True
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def test_hadolint_finds_what_it_should() -> None:
    """The check is real: a Dockerfile with an unpinned install and no user fails."""
    bad = DEPLOY / "Dockerfile"
    text = bad.read_text().replace('"customer-gateway==${VERSION}"', "customer-gateway")
    run = subprocess.run([tool("hadolint"), "-"], input=text, capture_output=True, text=True)
    assert run.returncode != 0 and "DL3013" in run.stdout


def test_the_image_is_multi_stage_non_root_with_a_healthcheck_and_no_build_tools() -> None:
    text = dockerfile()
    stages = re.split(r"^FROM ", text, flags=re.M)[1:]
    assert len(stages) == 2
    assert all(s.startswith("python:${PYTHON}") for s in stages)
    assert re.search(r"^ARG PYTHON=3\.\d+-slim", text, re.M)
    final = stages[-1]
    assert re.search(r"^USER 10001:10001$", final, re.M)  # numeric: runAsNonRoot can check it
    assert "HEALTHCHECK" in final and "/healthz" in final
    assert "apt-get" not in text and "gcc" not in text and "build-essential" not in text
    assert "--no-index" in final  # installed from the first stage's wheels only
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f"ARG VERSION={version}\n" in text
    # every folder the build copies is let through by the .dockerignore beside it
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for source in re.findall(r"^COPY (\S+)", text, re.M):
        assert f"!{source.rstrip('/')}/" in ignore or f"!{source}" in ignore, source


# compose.yaml -------------------------------------------------------------------------


def compose_schema() -> jsonschema.Draft7Validator:
    """The compose-spec's schema (draft-07, as its ``$schema`` says, spelt without the
    ``#`` jsonschema looks drafts up by)."""
    schema = json.loads((ROOT / "tests" / "vendor" / "compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_compose_is_valid_under_the_compose_spec() -> None:
    compose = plain(load(DEPLOY / "compose.yaml"))
    compose_schema().validate(compose)


def test_the_compose_schema_check_finds_a_misspelt_key() -> None:
    compose = plain(load(DEPLOY / "compose.yaml"))
    compose["services"]["redis"]["healthckeck"] = compose["services"]["redis"].pop("healthcheck")
    with pytest.raises(jsonschema.ValidationError, match="healthckeck"):
        compose_schema().validate(compose)


def test_compose_runs_three_gateways_behind_haproxy_over_redis_and_the_simulators() -> None:
    compose = load(DEPLOY / "compose.yaml")
    services = compose["services"]
    gateways = sorted(n for n in services if n.startswith("gateway-"))
    assert gateways == ["gateway-1", "gateway-2", "gateway-3"]
    for name in gateways:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert service["depends_on"]["redis"] == {"condition": "service_healthy"}
        for mount in service["volumes"]:
            assert (DEPLOY / mount.split(":")[0]).is_file(), mount
        for path in service["env_file"]:
            assert (DEPLOY / path).is_file(), path
        assert int(service["stop_grace_period"].rstrip("s")) > 20  # the drain fits
    for simulator in ("borderbolt", "crm", "inventorum"):
        assert services[simulator]["command"][:3] == ["gateway", "simulate", simulator]
    haproxy = (DEPLOY / "compose" / "haproxy.cfg").read_text()
    assert "option httpchk GET /readyz" in haproxy
    for name in gateways:
        assert f"server {name} {name}:8000" in haproxy


def test_the_compose_haproxy_config_is_valid() -> None:
    config = DEPLOY / "compose" / "haproxy.cfg"
    run = subprocess.run([tool("haproxy"), "-c", "-q", "-f", str(config)], capture_output=True)
    assert run.returncode == 0, run.stderr.decode()


def test_the_compose_gateway_config_loads_with_its_env_file() -> None:
    env = env_file(DEPLOY / "compose" / "gateway.env")
    text = (DEPLOY / "compose" / "config.yaml").read_text()
    assert references(text) <= env.keys()
    config = parse_config(text, env=env)
    assert config.server.state.backend == "redis"
    compose = load(DEPLOY / "compose.yaml")
    for name, connection in config.connections.items():
        host, port = connection.base_url.removeprefix("http://").split(":")
        command = compose["services"][host]["command"]
        assert command[command.index("--port") + 1] == port, name
    hook = compose["services"]["webhook-receiver"]["command"][-1]
    assert "--port 9100" in hook and config.webhooks[0].url == "http://webhook-receiver:9100/"


# Kubernetes ---------------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_the_kubernetes_manifests_are_valid(manifest: Path, version: str) -> None:
    kubernetes.validate(plain(load(manifest)), version, strict=True)


def test_kubernetes_validate_finds_a_misspelt_field() -> None:
    deployment = plain(load(KUBERNETES / "deployment.yaml"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes.ValidationError):
        kubernetes.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)


def test_the_kustomization_lists_every_manifest() -> None:
    listed = load(KUBERNETES / "kustomization.yaml")["resources"]
    assert sorted(listed) == [p.name for p in MANIFESTS]


def kubernetes_config() -> tuple[str, dict[str, str]]:
    text = load(KUBERNETES / "configmap.yaml")["data"]["config.yaml"]
    secrets = dict(load(KUBERNETES / "secret.yaml")["stringData"])
    secrets["GATEWAY_SECRETS_KEY"] = new_key()  # the placeholder is no Fernet key
    return text, secrets


def test_the_configmap_config_loads_with_the_secrets_keys() -> None:
    text, secrets = kubernetes_config()
    assert references(text) <= secrets.keys()
    config: Config = parse_config(text, env=secrets)
    assert config.server.state.backend == "redis"
    assert all(k.key is None for k in config.api_keys)  # only digests in the ConfigMap


def test_the_deployment_probes_and_shutdown_match_the_drain() -> None:
    deployment = load(KUBERNETES / "deployment.yaml")
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["readinessProbe"]["failureThreshold"] == 1  # out at the first 503
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    text, secrets = kubernetes_config()
    grace = parse_config(text, env=secrets).server.shutdown_grace
    # preStop, then SIGTERM and the drain, within the pod's grace
    assert int(pre_stop[1]) + grace < pod["terminationGracePeriodSeconds"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    env_from = container["envFrom"][0]["secretRef"]["name"]
    assert env_from == load(KUBERNETES / "secret.yaml")["metadata"]["name"]
    budget = load(KUBERNETES / "poddisruptionbudget.yaml")["spec"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert budget["selector"]["matchLabels"] == selector
    assert load(KUBERNETES / "service.yaml")["spec"]["selector"] == selector
    autoscaler = load(KUBERNETES / "horizontalpodautoscaler.yaml")["spec"]
    assert autoscaler["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert autoscaler["minReplicas"] >= deployment["spec"]["replicas"] - budget["maxUnavailable"]


# systemd ------------------------------------------------------------------------------


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    """systemd-analyze verify, with the install path pointed at this checkout's venv (it
    checks that ExecStart exists), says nothing: no unknown key, no bad value."""
    unit = (DEPLOY / "systemd" / "customer-gateway.service").read_text()
    assert "KillMode=mixed" in unit  # SIGTERM to the supervisor, which tells each worker
    stop = int(re.search(r"^TimeoutStopSec=(\d+)$", unit, re.M)[1])  # type: ignore[index]
    assert stop > Config.model_fields["server"].default.shutdown_grace
    local = tmp_path / "customer-gateway.service"
    local.write_text(unit.replace("/opt/customer-gateway/venv", str(ROOT / ".venv")))
    run = subprocess.run(
        [tool("systemd-analyze"), "verify", str(local)], capture_output=True, text=True
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def test_systemd_analyze_finds_a_bad_value(tmp_path: Path) -> None:
    unit = (DEPLOY / "systemd" / "customer-gateway.service").read_text()
    local = tmp_path / "customer-gateway.service"
    bad = unit.replace("/opt/customer-gateway/venv", str(ROOT / ".venv"))
    local.write_text(bad.replace("KillMode=mixed", "KillMode=mixd"))
    run = subprocess.run(
        [tool("systemd-analyze"), "verify", str(local)], capture_output=True, text=True
    )
    assert "mixd" in run.stderr
