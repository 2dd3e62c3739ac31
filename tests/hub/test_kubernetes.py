"""deploy/kubernetes/ without a cluster: what can be checked here is checked here.

The files parse; the chart's values hold what the design needs (KubeSpawner's hook, PostgreSQL
for the hub, a volume per person, culling, nothing secret for the single-user server); no image
is built with the banks or a secret in it; and every hook in hooks.py runs against a fake
spawner, giving a learner's server what ``odp hub`` gives it and nothing secret. The marking app
(marking-service.yaml) is the hub service ``odp hub`` makes: the same role (only the assessors'
group may open it), command and environment, and its pod mounts only what marking reads.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from course.grading.handins import HANDINS_DIR
from course.hub import marking
from course.hub.layout import HubLayout
from course.hub.spawn import SERVER_TOKEN_SCOPES, SpawnPlan
from course.record.keys import SECRET_FILE
from tests.conftest import REPO

DEPLOY = REPO / "deploy" / "kubernetes"
SECRET_WORDS = re.compile(r"bank|secret|token|password|key|database|postgres", re.I)


def load_hooks():
    spec = importlib.util.spec_from_file_location("odp_k8s_hooks", DEPLOY / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["odp_k8s_hooks"] = module  # as in the hub image, where extraConfig imports it
    spec.loader.exec_module(module)
    return module


hooks = load_hooks()


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load((DEPLOY / "values.yaml").read_text())


@pytest.fixture(scope="module")
def manifests() -> list[dict]:
    """The objects `kubectl apply` makes beside the chart: the course service's and the marking app's."""
    return [m for name in ("course-service.yaml", "marking-service.yaml")
            for m in yaml.safe_load_all((DEPLOY / name).read_text())]


def obj(manifests: list[dict], kind: str, name: str) -> dict:
    (found,) = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    return found


def pod(manifests: list[dict], name: str) -> dict:
    return obj(manifests, "Deployment", name)["spec"]["template"]["spec"]


def hub_config(values: dict, environ: dict[str, str]):
    """The hub's config as the chart's jupyterhub_config.py (z2jh 4.4) makes it from the values:
    services and roles from the values' dicts (a token for each service), then hub.extraConfig."""
    from traitlets.config import Config

    c = Config()
    c.JupyterHub.services = [{**s, "name": s.get("name", key), "api_token": f"made-by-chart-for-{key}"}
                             for key, s in json.loads(json.dumps(values["hub"]["services"])).items()]
    c.JupyterHub.load_roles = [{**r, "name": r.get("name", key)}
                               for key, r in json.loads(json.dumps(values["hub"]["loadRoles"])).items()]
    with pytest.MonkeyPatch.context() as mp:
        for name, value in environ.items():
            mp.setenv(name, value)
        exec(values["hub"]["extraConfig"]["odp"], {"c": c})
    return c


HUB_ENV = {"ODP_HUB_DB_URL": "postgresql://odp_hub@postgres:5432/hub"}


@dataclass(frozen=True)
class Group:
    name: str


@dataclass
class User:
    name: str
    groups: list[Group]


@dataclass
class FakeSpawner:
    """What the hooks touch on a KubeSpawner, set up as z2jh 4 sets it (dicts keyed by name)."""

    user: User
    environment: dict = field(default_factory=lambda: {"EXTRA": "from singleuser.extraEnv"})
    args: list = field(default_factory=list)
    image: str = "registry.example.gov.uk/odp/singleuser:0.1.0"
    volumes: dict | list = field(default_factory=lambda: {"volume-{user_server}": {
        "name": "volume-{user_server}", "persistentVolumeClaim": {"claimName": "{pvc_name}"}}})
    volume_mounts: dict | list = field(default_factory=lambda: {"volume-{user_server}": {
        "name": "volume-{user_server}", "mountPath": "/home/jovyan", "subPath": None}})
    init_containers: dict | list = field(default_factory=dict)
    notebook_dir: str = ""


def spawned(groups: list[str], **kw) -> FakeSpawner:
    spawner = FakeSpawner(User("amy", [Group(g) for g in groups]), **kw)
    asyncio.run(hooks.pre_spawn(spawner))
    return spawner


def values_of(items) -> list:
    return list(items.values()) if isinstance(items, dict) else list(items)


def test_every_yaml_file_parses_and_the_service_manifest_has_its_objects(manifests):
    for path in DEPLOY.glob("*.yaml"):
        assert list(yaml.safe_load_all(path.read_text())), path
    kinds = sorted((m["kind"], m["metadata"]["name"]) for m in manifests)
    for name in ("odp-course", "odp-marking"):
        assert ("Deployment", name) in kinds and ("Service", name) in kinds
    claims = {m["metadata"]["name"]: m["spec"]["accessModes"] for m in manifests
              if m["kind"] == "PersistentVolumeClaim"}
    assert claims[hooks.EXCHANGE_CLAIM] == ["ReadWriteMany"]  # the exchange is shared between pods
    assert claims[hooks.COURSE_CLAIM] == ["ReadWriteMany"]
    assert claims["odp-handins"] == ["ReadWriteMany"]  # the service writes, the marking app reads


def test_the_values_turn_on_postgres_a_volume_per_person_and_culling(values):
    assert values["hub"]["db"]["type"] == "postgres"
    assert values["hub"]["extraEnv"]["ODP_HUB_DB_URL"]["valueFrom"]["secretKeyRef"]["name"] == "odp-hub-db"
    assert "url" not in values["hub"]["db"]  # never a password in the values
    storage = values["singleuser"]["storage"]
    assert storage["type"] == "dynamic" and storage["homeMountPath"] == str(hooks.HOME)
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    assert values["singleuser"]["uid"] == hooks.UID and values["singleuser"]["fsGid"] == hooks.GID
    assert "course" in values["hub"]["services"]
    assert "odp_k8s_hooks.configure(c)" in values["hub"]["extraConfig"]["odp"]


def test_nothing_secret_is_given_to_single_user_servers(values):
    singleuser = json.dumps(values["singleuser"])
    assert not re.search(r"bank|secret|course-secret|secretKeyRef", singleuser, re.I), singleuser


def test_only_the_course_service_mounts_the_banks_and_only_it_and_marking_the_secret(manifests):
    secret_volumes = {(m["metadata"]["name"], v["secret"]["secretName"])
                      for m in manifests if m["kind"] == "Deployment"
                      for v in m["spec"]["template"]["spec"]["volumes"] if "secret" in v}
    assert secret_volumes == {("odp-course", "odp-banks"), ("odp-course", "odp-course-secret"),
                              ("odp-marking", "odp-course-secret")}
    mounts = {v["name"]: v for v in pod(manifests, "odp-course")["containers"][0]["volumeMounts"]}
    assert mounts["banks"]["mountPath"] == "/srv/odp/content/autograder/banks" and mounts["banks"]["readOnly"]
    assert mounts["course-secret"]["mountPath"] == f"/srv/odp/service/{SECRET_FILE}"
    # the hand-in notes, where course.grading.handins writes them, on a volume the marking app reads
    assert mounts["handins"]["mountPath"] == f"/srv/odp/service/{HANDINS_DIR}"


def copied(dockerfile: str) -> list[str]:
    """Every source path a COPY or ADD takes from the build context."""
    sources = []
    for line in (DEPLOY / dockerfile).read_text().splitlines():
        words = line.split()
        if words[:1] in (["COPY"], ["ADD"]) and not any(w.startswith("--from") for w in words):
            sources += [w for w in words[1:-1] if not w.startswith("--")]
    return sources


@pytest.mark.parametrize("dockerfile", ["Dockerfile.singleuser", "Dockerfile.service", "Dockerfile.hub"])
def test_no_image_is_built_with_the_banks_or_a_secret(dockerfile):
    sources = copied(dockerfile)
    assert sources
    for source in sources:
        assert not re.search(r"banks|secret|\.key$|\.odp-data|^\.$|^autograder/?$", source), source
    rules = [line.strip() for line in (DEPLOY / f"{dockerfile}.dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert rules[0] == "*", "the build context lets in only what the file lists after `*`"
    assert not any(rule.startswith("!") and re.search(r"banks|secret|\.key", rule) for rule in rules)
    assert not any(rule.startswith("!") and rule.rstrip("/") == "autograder" for rule in rules)


def test_the_single_user_image_holds_the_package_only():
    assert sorted(copied("Dockerfile.singleuser")) == ["README.md", "course", "pyproject.toml"]
    text = (DEPLOY / "Dockerfile.singleuser").read_text()
    assert str(hooks.IMAGE_PREFIX) in text and str(hooks.IMAGE_CONFIGS) in text
    assert "python3.11" in str(hooks.IMAGE_SHARE) and "FROM python:3.11" in text


def test_the_hooks_import_without_the_course_dependencies():
    """The hub image installs the package without its dependencies (Dockerfile.hub)."""
    heavy = ["pydantic", "yaml", "nbformat", "sqlalchemy", "jupyterhub", "kubespawner", "tornado"]
    code = (f"import importlib.util, sys; spec = importlib.util.spec_from_file_location('h', {str(DEPLOY / 'hooks.py')!r}); "
            "spec.loader.exec_module(importlib.util.module_from_spec(spec)); "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_a_learner_server_starts_as_under_odp_hub_with_nothing_secret(tmp_path):
    spawner = spawned(["learners", "team-bob"])
    plan = SpawnPlan(HubLayout(tmp_path), tmp_path, "odp", service_url=hooks.SERVICE_URL)
    env = spawner.environment
    assert env == {"EXTRA": "from singleuser.extraEnv", **hooks.learner_environment()}
    assert env.keys() - {"EXTRA"} == plan.environment().keys()  # the same variables as odp hub's
    assert env["JUPYTER_PATH"] == str(hooks.IMAGE_SHARE) and env["PATH"].startswith("/opt/odp/bin:")
    for name, value in env.items():
        assert not SECRET_WORDS.search(name) and not SECRET_WORDS.search(value), (name, value)
    assert spawner.args == [*plan.args(staff=False)[:-1], f"--config={hooks.IMAGE_CONFIGS / 'learner_server_config.py'}"]
    # Her own container mounts her volume only; the init container reads outbound, read only.
    assert [m["name"] for m in values_of(spawner.volume_mounts)] == ["volume-{user_server}"]
    assert not any("secret" in v for v in values_of(spawner.volumes))
    (init,) = values_of(spawner.init_containers)
    assert init["image"] == spawner.image
    home, outbound = init["volumeMounts"]
    assert home == {"name": "volume-{user_server}", "mountPath": "/home/jovyan"}
    assert outbound["subPath"] == "odp/outbound" and outbound["readOnly"] is True
    assert spawner.notebook_dir == ""


def test_an_assessor_also_gets_the_exchange_and_the_course_folder_but_no_secret():
    spawner = spawned(["formgrade-odp", "nbgrader-odp"])
    assert spawner.environment["ODP_EXCHANGE_DIR"] == str(hooks.EXCHANGE)
    assert spawner.environment["ODP_COURSE_DIR"] == str(hooks.COURSE_DIR)
    assert "ODP_DATA_DIR" not in spawner.environment and "ODP_CONTENT_ROOT" not in spawner.environment
    assert spawner.args[-1] == f"--config={hooks.IMAGE_CONFIGS / 'staff_server_config.py'}"  # nbgrader's stay on
    mounts = {m["name"]: m["mountPath"] for m in values_of(spawner.volume_mounts)}
    assert mounts == {"volume-{user_server}": "/home/jovyan", "exchange": str(hooks.EXCHANGE),
                      "course": str(hooks.COURSE_DIR)}
    assert spawner.notebook_dir == str(hooks.COURSE_DIR)


@dataclass
class V1Container:  # what the chart appends to init_containers to block the cloud's metadata
    name: str


def test_the_hook_runs_again_on_a_respawn_and_with_lists_without_doubling_anything():
    spawner = spawned(["formgrade-odp"], volumes=[], init_containers=[V1Container("block-cloud-metadata")],
                      volume_mounts=[{"name": "home", "mountPath": "/home/jovyan"}])
    asyncio.run(hooks.pre_spawn(spawner))
    assert [v["name"] for v in spawner.volumes] == ["exchange", "course"]
    assert [m["name"] for m in spawner.volume_mounts] == ["home", "exchange", "course"]
    assert [hooks._name(c) for c in spawner.init_containers] == ["block-cloud-metadata", "fetch-units"]


def test_the_hook_refuses_a_server_without_her_own_volume():
    with pytest.raises(RuntimeError, match="singleuser.storage"):
        spawned([], volume_mounts={})


def test_the_init_container_copies_her_units_with_the_course_own_fetch(monkeypatch):
    from course.hub import release

    calls = []
    monkeypatch.setattr(release, "fetch_all", lambda *a: calls.append(a))
    (init,) = values_of(spawned([]).init_containers)
    python, flag, code = init["command"]
    assert python == "/opt/odp/bin/python" and flag == "-c"
    exec(compile(code, "fetch-units", "exec"), {})
    assert calls == [(hooks.EXCHANGE, "odp", hooks.HOME, hooks.UID, hooks.GID)]


def test_the_extra_config_sets_the_hub_up(values):
    c = hub_config(values, HUB_ENV)
    assert c.JupyterHub.db_url == "postgresql://odp_hub@postgres:5432/hub"
    assert c.KubeSpawner.pre_spawn_hook is hooks.pre_spawn
    assert c.KubeSpawner.server_token_scopes == SERVER_TOKEN_SCOPES  # the same as under `odp hub`
    assert "access:services!service=course" in SERVER_TOKEN_SCOPES
    assert c.JupyterHub.default_url == "/services/course/"
    # the marking service as `odp hub` registers it (course.hub.marking), at its Service's address
    (entry,) = [s for s in c.JupyterHub.services if s["name"] == marking.NAME]
    assert entry == {"name": marking.NAME, "url": "http://odp-marking:8080",
                     "api_token": "made-by-chart-for-marking", **marking.oauth()}
    assert [r for r in c.JupyterHub.load_roles if r["name"] == marking.ROLE] == [marking.role("formgrade-odp")]


def test_the_extra_config_refuses_values_without_the_marking_service(values):
    without = json.loads(json.dumps(values))
    del without["hub"]["services"]["marking"]
    with pytest.raises(RuntimeError, match="hub.services.marking"):
        hub_config(without, HUB_ENV)


MARKING_SCOPES = {f"access:services!service={marking.NAME}", "access:services"}


@pytest.mark.filterwarnings("ignore:Not expanding")  # !user and !server filters: no owner here, none grant services
def test_only_the_assessors_group_may_open_the_marking_app(values):
    """Every role the hub loads, with its scopes expanded by JupyterHub's own RBAC: only the
    marking role grants access to the service, and only to formgrade-odp (the `user` role, which
    everyone has, and the servers' tokens do not)."""
    from jupyterhub.scopes import expand_scopes

    c = hub_config(values, HUB_ENV)
    holders = [(r["name"], r.get("groups"), r.get("users"), r.get("services"))
               for r in c.JupyterHub.load_roles
               if MARKING_SCOPES & expand_scopes(set(r.get("scopes", [])) - {"self"})]
    assert holders == [("marking", [hooks.ASSESSORS], None, None)]
    assert hooks.ASSESSORS == "formgrade-odp"
    assert not MARKING_SCOPES & expand_scopes(set(SERVER_TOKEN_SCOPES) - {"self"})


def marking_container(manifests: list[dict]) -> dict:
    (container,) = pod(manifests, "odp-marking")["containers"]
    return container


def test_the_marking_pod_mounts_nothing_of_the_learners_and_no_secret_it_does_not_need(manifests):
    spec = pod(manifests, "odp-marking")
    volumes = {v["name"]: {k: x for k, x in v.items() if k != "name"} for v in spec["volumes"]}
    assert volumes == {
        "home": {"emptyDir": {}},
        "course": {"persistentVolumeClaim": {"claimName": hooks.COURSE_CLAIM}},  # the autograded copies
        "handins": {"persistentVolumeClaim": {"claimName": "odp-handins", "readOnly": True}},
        "course-secret": {"secret": {"secretName": "odp-course-secret", "defaultMode": 0o440}},
    }  # no exchange (learners' hand-ins), no learner's volume, no banks, not the service's data
    container = marking_container(manifests)
    assert "envFrom" not in container
    secrets_read = {(e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"])
                    for e in container["env"] if "valueFrom" in e}
    assert secrets_read == {("odp-gradebook-db", "url"), ("hub", f"hub.services.{marking.NAME}.apiToken")}
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert mounts["handins"]["readOnly"] and mounts["course-secret"]["readOnly"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    data = Path(env["ODP_DATA_DIR"])  # where the app reads the notes and the secret
    assert mounts["handins"]["mountPath"] == str(data / HANDINS_DIR)
    assert mounts["course-secret"]["mountPath"] == str(data / SECRET_FILE)
    assert mounts["course"]["mountPath"] == env["ODP_COURSE_DIR"] == str(hooks.COURSE_DIR)
    assert spec["automountServiceAccountToken"] is False
    assert spec["securityContext"]["runAsNonRoot"] and spec["securityContext"]["runAsUser"] not in (0, 1001)
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def test_the_marking_pod_runs_the_app_as_odp_hub_does(manifests, values):
    """course.hub.marking's command and environment, with the image's paths and the pod's
    address; the hub's service settings a hub-started service would get."""
    container = marking_container(manifests)
    port = container["ports"][0]["containerPort"]
    local = marking.command(port)
    in_package = Path(local[3]).relative_to(REPO / "course")  # marking.ipynb, where the image installs it
    expected = [str(hooks.IMAGE_PREFIX / "bin" / "python"), *local[1:3],
                str(hooks.IMAGE_SHARE.parent.parent / in_package),
                *[("--Voila.ip=0.0.0.0" if a == "--Voila.ip=127.0.0.1" else a) for a in local[4:]]]
    assert container["command"] == expected
    env = {e["name"]: e.get("value") for e in container["env"]}
    hub_made = marking.environment(HubLayout(Path("/srv/odp")), Path("/srv/odp/content"), "from the Secret",
                                   hooks.ASSESSORS, [env[marking.HOSTS_ENV]])
    ours = {k: v for k, v in env.items() if not k.startswith("JUPYTERHUB_")}
    assert ours == {**hub_made, "PATH": f"{hooks.IMAGE_PREFIX / 'bin'}:/usr/bin:/bin",
                    "JUPYTER_PATH": str(hooks.IMAGE_SHARE), "ODP_GRADEBOOK_URL": None}
    assert not {"ODP_ASSESSOR", "ODP_SERVE_TOKEN", "ODP_DATABASE_URL"} & env.keys()
    assert container["workingDir"] == env["HOME"]
    assert {k: v for k, v in env.items() if k.startswith("JUPYTERHUB_") and v is not None} == {
        "JUPYTERHUB_API_URL": "http://hub:8081/hub/api", "JUPYTERHUB_CLIENT_ID": f"service-{marking.NAME}",
        "JUPYTERHUB_SERVICE_NAME": marking.NAME, "JUPYTERHUB_SERVICE_PREFIX": marking.PREFIX,
        "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{marking.PREFIX}oauth_callback",
        "JUPYTERHUB_OAUTH_ACCESS_SCOPES": json.dumps(marking.role(hooks.ASSESSORS)["scopes"]),
        "JUPYTERHUB_BASE_URL": "/"}
    # the hub's address for it is its Service's, on the port it listens on
    service = obj(manifests, "Service", "odp-marking")
    assert service["spec"]["ports"][0]["port"] == port
    assert values["hub"]["services"][marking.NAME]["url"] == f"http://odp-marking:{port}"
    # its image makes its user, and it is not the course service's
    dockerfile = (DEPLOY / "Dockerfile.service").read_text()
    uid = pod(manifests, "odp-marking")["securityContext"]["runAsUser"]
    assert re.search(rf"useradd --system --uid {uid} --gid 100 --home-dir {env['HOME']} odp-marking", dockerfile)
    assert uid != pod(manifests, "odp-course")["securityContext"]["runAsUser"]


def test_only_the_proxy_and_the_hub_reach_the_marking_pod_and_learners_never(manifests, values):
    policy = obj(manifests, "NetworkPolicy", "odp-marking")
    assert policy["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "odp-marking"}
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    (rule,) = policy["spec"]["ingress"]
    assert [f["podSelector"]["matchLabels"]["component"] for f in rule["from"]] == ["proxy", "hub"]
    assert all(f["podSelector"]["matchLabels"]["app"] == "jupyterhub" for f in rule["from"])
    # learners' (and assessors') own pods may open connections to the course service only
    egress = json.dumps(values["singleuser"]["networkPolicy"])
    assert "odp-course" in egress and "odp-marking" not in egress


def test_odp_hub_spawn_plan_is_unchanged_by_the_factoring(tmp_path):
    """The pieces hooks.py reuses were taken out of SpawnPlan: what it gives is as before."""
    plan = SpawnPlan(HubLayout(tmp_path), tmp_path / "content", "odp", "http://127.0.0.1:9/services/course")
    assert plan.environment() == {
        "ODP_SERVICE_URL": "http://127.0.0.1:9/services/course", "ODP_HOME_URL": "/services/course/",
        "JUPYTER_PATH": str(REPO / "course" / "share" / "jupyter"),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    assert plan.args(staff=True)[:-1] == plan.args(staff=False)[:-1]
    assert plan.args(staff=False)[-1] == f"--config={tmp_path / 'jupyter' / 'learner_server_config.py'}"
    assert plan.args(staff=True)[-1] == f"--config={tmp_path / 'jupyter' / 'staff_server_config.py'}"
    (tmp_path / "jupyter").mkdir()
    plan.write_configs()
    written = (tmp_path / "jupyter" / "learner_server_config.py").read_text()
    assert "'nbgrader.server_extensions.formgrader': False" in written
    assert "'course.serve.extension': True" in written
    assert written.startswith('"""Written by `odp hub`')
    staff = (tmp_path / "jupyter" / "staff_server_config.py").read_text()
    assert "nbgrader" not in staff and "'course.serve.extension': True" in staff
