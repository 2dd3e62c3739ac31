"""The zygote (course/hub/zygote.py) as ``odp hub`` runs it: a real zygote process as root, real
OS accounts (made here, removed after), requests sent the way ``ZygoteSpawner`` sends them.
Each refusal is the zygote's answer to a real request; a server it accepts is a real
``jupyterhub-singleuser`` running as the person, with no capabilities and none of the
zygote's descriptors. (tests/hub/test_hub.py runs the whole journey with the zygote on.)"""

from __future__ import annotations

import os
import secrets
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from course.hub import accounts
from course.hub import zygote as zygotes
from course.hub.zygote_spawner import ZygoteRefused, ZygoteUnavailable, ask
from tests.browser import free_port
from tests.memory import in_memory_of

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="the zygote runs as root and makes no one else's servers otherwise"),
    pytest.mark.timeout(600),
]
SERVER = str(Path(sys.executable).parent / zygotes.SERVER_COMMAND)


def wait_for(condition, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def zygote():
    runtime = Path(tempfile.mkdtemp(prefix="odp-zygote-"))
    runtime.chmod(0o700)
    proc = zygotes.start(runtime)
    path = zygotes.socket_path(runtime)
    try:
        wait_for(lambda: path.exists() or proc.poll() is not None, limit=300)
        assert proc.poll() is None, "the zygote exited"
        yield proc, path
    finally:
        proc.terminate()
        proc.wait(10)
        subprocess.run(["rm", "-rf", str(runtime)], check=False)


@pytest.fixture(scope="module")
def people():
    """An enrolled person, one outside the course, one in root's group."""
    tag = secrets.token_hex(2)
    names = {role: f"t{tag}-{role}" for role in ("amy", "out", "rootish")}
    try:
        accounts.ensure_person(names["amy"], "Amy Zygote", [accounts.PEOPLE_GROUP])
        accounts.ensure_person(names["out"], "Out Side", [])
        accounts.ensure_person(names["rootish"], "Root Ish", [accounts.PEOPLE_GROUP])
        subprocess.run(["usermod", "--append", "--groups", "root", names["rootish"]], check=True)
        yield names
    finally:
        subprocess.run(["pkill", "-u", ",".join(n for n in names.values() if accounts.exists(n))], check=False)
        for name in names.values():
            accounts.remove_person(name)


@pytest.fixture(scope="module")
def hub_api():
    """Where a server asks for its hub's version as it starts (it exits if nothing answers):
    the one hub call a server makes before it serves, answered as JupyterHub answers it."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import jupyterhub

    class Version(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("X-JupyterHub-Version", jupyterhub.__version__)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"version": "%s"}' % jupyterhub.__version__.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Version)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hub/api"
    server.shutdown()


def request_for(name: str, port: int = 0, api: str = "http://127.0.0.1:9/hub/api", **changes) -> dict:
    import pwd

    account = pwd.getpwnam(name)
    prefix = f"/user/{name}/"
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": account.pw_dir, "USER": name,
           "LANG": "C.UTF-8", "JUPYTERHUB_API_TOKEN": secrets.token_hex(16), "JUPYTERHUB_USER": name,
           "JUPYTERHUB_CLIENT_ID": f"jupyterhub-user-{name}", "JUPYTERHUB_API_URL": api,
           "JUPYTERHUB_BASE_URL": "/", "JUPYTERHUB_SERVICE_PREFIX": prefix,
           "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port or free_port()}{prefix}",
           "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{prefix}oauth_callback"}
    request = {"username": name, "uid": account.pw_uid, "gid": account.pw_gid, "home": account.pw_dir,
               "cmd": [SERVER], "env": env}
    request.update(changes)
    return request


def refused(path: Path, request: dict) -> str:
    with pytest.raises(ZygoteRefused) as caught:
        ask(str(path), request)
    return str(caught.value)


def test_the_socket_is_root_only_and_the_zygote_holds_no_secret(zygote):
    proc, path = zygote
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    environ = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
    names = {e.split(b"=", 1)[0].decode() for e in environ if e}
    assert names == {"PATH", "LANG", "MPLCONFIGDIR", "OPENBLAS_NUM_THREADS"}
    assert len(os.listdir(f"/proc/{proc.pid}/task")) == 1  # one thread: it may fork


def test_root_is_refused(zygote):
    assert "root" in refused(zygote[1], {**request_for("root"), "uid": 0, "gid": 0})


def test_ids_that_do_not_match_the_account_are_refused(zygote, people):
    request = request_for(people["amy"])
    assert "not" in refused(zygote[1], {**request, "uid": request["uid"] + 1})
    assert "not" in refused(zygote[1], {**request, "gid": request["gid"] + 1})
    assert "home" in refused(zygote[1], {**request, "home": "/root"})


def test_an_account_outside_the_course_is_refused(zygote, people):
    assert accounts.PEOPLE_GROUP in refused(zygote[1], request_for(people["out"]))


def test_an_account_in_roots_group_is_refused(zygote, people):
    assert "root's group" in refused(zygote[1], request_for(people["rootish"]))


def test_a_command_other_than_the_single_user_server_is_refused(zygote, people):
    assert "only" in refused(zygote[1], request_for(people["amy"], cmd=["/bin/sh", "-c", "id"]))
    assert "only" in refused(zygote[1], request_for(people["amy"], cmd=[]))


@pytest.mark.parametrize("variable", ["PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "LD_PRELOAD",
                                      "LD_LIBRARY_PATH", "JUPYTERHUB_SINGLEUSER_APP"])
def test_variables_that_act_at_start_or_import_are_refused(zygote, people, variable):
    request = request_for(people["amy"])
    request["env"][variable] = "/tmp/evil"
    assert variable in refused(zygote[1], request)


def test_a_process_that_is_not_root_cannot_reach_it(zygote, people):
    tried = subprocess.run(["runuser", "-u", people["amy"], "--", sys.executable, "-c",
                            f"import socket; s = socket.socket(socket.AF_UNIX); s.connect({str(zygote[1])!r})"],
                           capture_output=True, text=True, cwd="/tmp")
    assert tried.returncode != 0 and "PermissionError" in tried.stderr


def test_no_zygote_is_unavailable_so_the_spawner_uses_popen(tmp_path):
    with pytest.raises(ZygoteUnavailable):
        ask(str(tmp_path / "zygote.sock"), {})


def status_of(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def sockets_of(pid: int) -> set[str]:
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            found.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except FileNotFoundError:
            pass
    return {link for link in found if link.startswith(("socket:", "pipe:"))}


def test_a_forked_server_runs_as_her_with_no_capabilities_and_none_of_the_zygotes_fds(zygote, people, hub_api):
    import pwd

    proc, path = zygote
    account = pwd.getpwnam(people["amy"])
    port = free_port()
    from course.hub.spawn import server_args, write_server_config

    config = Path(tempfile.mkdtemp(prefix="odp-zygote-config-"))
    config.chmod(0o755)
    write_server_config(config / "learner.py", staff=False)  # a learner's server, as odp hub starts it
    args = server_args(False, config / "learner.py")
    pid, pidfd = ask(str(path), request_for(people["amy"], port=port, api=hub_api, cmd=[SERVER, *args]))
    try:
        def answers() -> bool:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/user/{people['amy']}/api/status", timeout=5)
            except urllib.error.HTTPError:
                return True  # it is up: it wants her hub credentials
            except (urllib.error.URLError, OSError):
                return False
            return True

        wait_for(answers)
        status = status_of(pid)
        assert status["Uid"].split() == [str(account.pw_uid)] * 4
        assert status["Gid"].split() == [str(account.pw_gid)] * 4
        assert "0" not in status["Groups"].split()
        assert all(int(status[k], 16) == 0 for k in ("CapEff", "CapPrm", "CapAmb", "CapInh"))
        assert Path(f"/proc/{pid}/comm").read_text().strip() == f"srv-{people['amy']}"[:15]
        assert os.readlink(f"/proc/{pid}/cwd") == account.pw_dir
        assert os.getsid(pid) == pid  # a session of its own
        assert not sockets_of(pid) & sockets_of(proc.pid), "a descriptor of the zygote's"
        environ = Path(f"/proc/{pid}/environ").read_bytes()
        assert b"JUPYTERHUB_API_TOKEN" not in environ  # only the zygote's own start-up block shows
        # her kernels' fork server is a fork of her server, as her
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        assert children and all(status_of(int(c))["Uid"].split()[0] == str(account.pw_uid) for c in children)
    finally:
        signal.pidfd_send_signal(pidfd, signal.SIGTERM)
    # The hub is not its parent: the pidfd tells it has ended, and no zombie is left.
    assert select.select([pidfd], [], [], 60)[0]
    os.close(pidfd)
    wait_for(lambda: not Path(f"/proc/{pid}").exists(), limit=30)
    subprocess.run(["rm", "-rf", str(config)], check=False)


def test_the_zygote_keeps_no_request_so_no_later_server_holds_an_earlier_ones_token(zygote, people):
    # Every server is a copy of the zygote's memory: a token the zygote had read would live on,
    # freed but not wiped, in the next learner's server and kernels.
    proc, path = zygote
    token = f"odp-zygote-test-{secrets.token_hex(16)}"
    request = request_for(people["out"])  # refused (not enrolled), after the token was sent
    request["env"]["JUPYTERHUB_API_TOKEN"] = token
    assert "not in" in refused(path, request)
    assert not in_memory_of(proc.pid, token.encode())



def test_the_zygote_builds_the_page_files_a_server_would_build(tmp_path):
    """Servers forked from the zygote use its page bundle rather than build their own, so it
    must be the one a server would build from its own environment (``server_environment``)."""
    from course.hub.spawn import server_environment

    show = "from course.serve.bundle import page_bundle, widget_assets; print(page_bundle()[0], sorted(widget_assets()))"
    home = tmp_path / "home"
    home.mkdir()
    server = subprocess.run([sys.executable, "-c", show], capture_output=True, text=True, check=True, cwd=home,
                            env={**server_environment("http://127.0.0.1:9"), "HOME": str(home)}).stdout
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    built = subprocess.run(
        [sys.executable, "-I", "-c", "import sys; from pathlib import Path; from course.hub.zygote import "
         f"build_page_files; build_page_files(Path(sys.argv[1])); {show}", str(runtime)],
        capture_output=True, text=True, check=True, cwd=runtime, env=zygotes.environment(runtime)).stdout
    assert built == server and len(built.split()[0]) == 64
