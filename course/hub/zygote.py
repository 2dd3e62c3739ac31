"""The zygote: each person's server under ``odp hub`` forked from a process that has imported
the server already (issue 17).

A learner's server spends most of its start importing jupyter_server, JupyterLab, Voila and the
course. ``odp hub`` starts this process before the hub; it imports all of that once, freezes it
for the collector (so children share its pages), then waits on a unix socket that only root can
reach (``zygote.sock`` in the hub's 0700 runtime folder). ``ZygoteSpawner``
(``course.hub.zygote_spawner``) sends it one JSON request a connection: ``{username, uid, gid,
home, cmd, env}``. It forks a child, which reads the request (the zygote never does: what it
holds, every later server copies), refuses anything but the single-user server of an
enrolled person, becomes that person (no capabilities left), then runs
``jupyterhub.singleuser``'s ``main``. The child tells the zygote it is under way (or why it
refused) before it runs anything of hers; the zygote answers with the pid and a pidfd, so the
hub sees the server end although it is not its parent.

The zygote itself holds nothing secret: its environment is ``environment()``, and it never
runs anyone's code (the children do, after they have left it).
"""

from __future__ import annotations

import ctypes
import gc
import grp
import json
import os
import pwd
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

from course.hub.accounts import PEOPLE_GROUP

SOCKET_NAME = "zygote.sock"
SERVER_COMMAND = "jupyterhub-singleuser"
# What a person's server imports (course/hub/spawn.py's config): jupyter_server and its
# extensions, Voila with the course's fixes, and what her unit kernels' fork server preloads
# (course.serve.provisioner), so that too is forked from here.
PRELOAD = (
    "jupyterhub.singleuser", "jupyterhub.singleuser.extension", "jupyter_server.serverapp",
    "jupyterlab.labapp", "notebook.app", "notebook_shim.nbserver", "jupyter_lsp.serverextension",
    "jupyter_server_terminals.app", "voila.server_extension", "course.serve.extension",
    "course.serve.kernels",
    "ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "course.notebook", "course.serve.preheat",
    "voila.utils",
)
# Variables that act when an interpreter starts or a module is imported: in a fork they would
# silently not apply (the zygote has started and imported already), so a request with one is refused.
REFUSED_ENV_PREFIXES = ("PYTHON", "LD_", "GLIBC_TUNABLES", "MALLOC_")
REFUSED_ENV = ("JUPYTERHUB_SINGLEUSER_APP", "JUPYTERHUB_SINGLEUSER_EXTENSION")
MAX_REQUEST = 1 << 20
REPORT_SECONDS = 60  # the child's checks take milliseconds; this is only a bound
PR_SET_PDEATHSIG, PR_SET_NAME = 1, 15


class Refused(Exception):
    """A request the zygote will not serve (sent back to the spawner, which fails the spawn)."""


# -- started by `odp hub` --------------------------------------------------------------------

def socket_path(runtime: Path) -> Path:
    return runtime / SOCKET_NAME


def environment(runtime: Path) -> dict[str, str]:
    """The zygote's own environment: no hub secret, and one BLAS thread (numpy starts a thread
    per core at import otherwise, and a process with threads must not fork)."""
    mpl = runtime / "matplotlib"  # matplotlib notes its config folder at import: root's own
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": os.environ.get("LANG", "C.UTF-8"),
            "MPLCONFIGDIR": str(mpl), "OPENBLAS_NUM_THREADS": "1"}


def start(runtime: Path) -> subprocess.Popen:
    """Start the zygote (it dies with the calling process). The hub need not wait for it: a
    spawn before its socket is there starts its server with Popen."""
    path = socket_path(runtime)
    path.unlink(missing_ok=True)
    # `-I`: nothing from the environment or the working folder reaches its imports; `-c`, not
    # `-m`, so the servers' __main__ is not this module.
    return subprocess.Popen([sys.executable, "-I", "-c", "from course.hub.zygote import main; main()",
                             str(path), str(os.getpid())],
                            env=environment(runtime), cwd=runtime, stdin=subprocess.DEVNULL)


# -- the zygote --------------------------------------------------------------------------------

def _prctl(option: int, value) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def native_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def build_page_files(runtime: Path) -> None:
    """Build the unit pages' front-end files (``course.serve.bundle``: the 4.8 MB page bundle,
    gzipped, and the widgets' files) once, here, so every server shares them; each server
    built them at its start (~0.2 CPU-s, and 6 MB of its own). They are found as a server finds
    them: its ``JUPYTER_PATH`` (``course.hub.spawn.SHARE``), and no one's own data folder."""
    from course.hub.spawn import SHARE
    from course.serve import bundle

    saved = {name: os.environ.get(name) for name in ("JUPYTER_PATH", "JUPYTER_DATA_DIR")}
    os.environ.update(JUPYTER_PATH=str(SHARE), JUPYTER_DATA_DIR=str(runtime / "no-data-folder"))
    try:
        bundle.page_bundle()
        bundle.widget_assets()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main() -> None:
    path, parent = Path(sys.argv[1]), int(sys.argv[2])
    _prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))
    if os.getppid() != parent:  # `odp hub` ended before the line above
        sys.exit(0)
    if os.geteuid() != 0:
        sys.exit("the zygote runs as root (it starts each person's server as that person)")
    import importlib

    path.parent.joinpath("matplotlib").mkdir(mode=0o700, exist_ok=True)
    for name in PRELOAD:
        importlib.import_module(name)
    build_page_files(path.parent)
    if native_threads() != 1:
        sys.exit(f"the zygote has {native_threads()} threads after its imports: it will not fork")
    gc.collect()
    gc.freeze()  # what is imported now stays shared: the collector never writes to it
    # The kernel reaps children at once (no zombies); the hub sees them end by their pidfd.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    os.umask(0o177)  # the socket is made 0600 (in a 0700 folder): root only
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = path.with_suffix(".new")
    tmp.unlink(missing_ok=True)
    listener.bind(str(tmp))
    listener.listen(64)
    os.rename(tmp, path)  # there only once it listens: a spawner that finds it is served
    os.umask(0o022)
    print(f"odp hub: the zygote is ready ({len(sys.modules)} modules, pid {os.getpid()})", flush=True)
    while True:
        conn, _ = listener.accept()
        with conn:
            try:
                _serve(conn, listener)
            except Exception as exc:  # one bad request must not stop the others
                print(f"odp hub: zygote request failed: {exc!r}", file=sys.stderr, flush=True)


def _peer_uid(conn: socket.socket) -> int:
    import struct

    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def _read_request(conn: socket.socket) -> dict:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk or len(data) > MAX_REQUEST:
            raise Refused("incomplete request")
        data += chunk
    return json.loads(data)


def _reply(conn: socket.socket, answer: dict, fds: list[int] = ()) -> None:
    data = (json.dumps(answer) + "\n").encode()
    if fds:
        socket.send_fds(conn, [data], list(fds))
    else:
        conn.sendall(data)


def _serve(conn: socket.socket, listener: socket.socket) -> None:
    conn.settimeout(REPORT_SECONDS)
    if _peer_uid(conn) != 0:
        return _reply(conn, {"error": "only root may ask the zygote"})
    if native_threads() != 1:  # forking with threads copies whatever locks they hold
        return _reply(conn, {"unavailable": f"the zygote has {native_threads()} threads"})
    report_r, report_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    # Fork first, and only the child reads the request: every later server is a copy of the
    # zygote's memory, so a request the zygote had read (her server's hub token among its
    # variables) would live on, freed but not wiped, in the next learner's server and kernels.
    pid = os.fork()
    if pid == 0:
        os.close(report_r)
        _child(conn, report_w, (listener, conn))  # never returns
    os.close(report_w)
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        pidfd = None  # ended already: its report says why
    try:
        report = _read_report(report_r)
        if report.get("ok") and pidfd is not None:
            _reply(conn, {"pid": pid}, [pidfd])
        else:
            _reply(conn, {"error": report.get("error") or "the server ended at once"})
    finally:
        os.close(report_r)
        if pidfd is not None:
            os.close(pidfd)


def _read_report(fd: int) -> dict:
    data = b""
    while True:
        if not select.select([fd], [], [], REPORT_SECONDS)[0]:
            return {"error": f"the server did not report within {REPORT_SECONDS} s"}
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    try:
        return json.loads(data)
    except ValueError:
        return {"error": "the server ended before it reported"}


# -- the child: checks, becomes the person, runs her server ------------------------------------

def check_request(request: dict, server: str) -> pwd.struct_passwd:
    """Refuse anything but the single-user server ``server`` of an enrolled person (not root,
    not in root's group), as the account the OS has for her. Returns her account."""
    try:
        name, uid, gid = str(request["username"]), int(request["uid"]), int(request["gid"])
        cmd, env = [str(a) for a in request["cmd"]], {str(k): str(v) for k, v in request["env"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise Refused(f"malformed request ({exc!r})") from None
    if uid == 0 or gid == 0:
        raise Refused("root's server is not started from the zygote")
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        raise Refused(f"no account {name!r}") from None
    if (account.pw_uid, account.pw_gid) != (uid, gid):
        raise Refused(f"{name!r} is uid {account.pw_uid} gid {account.pw_gid}, not {uid} {gid}")
    if "home" in request and str(request["home"]) != account.pw_dir:
        raise Refused(f"{name!r}'s home is {account.pw_dir}, not {request['home']}")
    groups = os.getgrouplist(name, gid)
    if 0 in groups:
        raise Refused(f"{name!r} is in root's group")
    try:
        people = grp.getgrnam(PEOPLE_GROUP).gr_gid
    except KeyError:
        raise Refused(f"there is no group {PEOPLE_GROUP}") from None
    if people not in groups:
        raise Refused(f"{name!r} is not in {PEOPLE_GROUP} (not enrolled)")
    if not cmd or os.path.realpath(cmd[0]) != os.path.realpath(server):
        raise Refused(f"only {server} is started from the zygote, not {cmd[:1]}")
    bad = sorted(k for k in env if k.startswith(REFUSED_ENV_PREFIXES) or k in REFUSED_ENV)
    if bad:
        raise Refused(f"variables that act at start or import are refused: {', '.join(bad)}")
    return account


def capabilities() -> dict[str, int]:
    """CapEff, CapPrm and CapAmb of this process."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("CapEff", "CapPrm", "CapAmb"):
            found[key] = int(value.strip(), 16)
    return found


def become(account: pwd.struct_passwd) -> None:
    """This process becomes ``account``, for good: its groups, no capabilities, no way back."""
    os.setsid()  # her own session: the hub's signals reach her server's group, nothing else's
    os.initgroups(account.pw_name, account.pw_gid)
    os.setgid(account.pw_gid)
    os.setuid(account.pw_uid)
    left = {k: v for k, v in capabilities().items() if v}
    if left or len(capabilities()) != 3:
        raise Refused(f"capabilities left after setuid: {left}")
    try:
        os.setuid(0)
    except PermissionError:
        pass
    else:
        raise Refused("setuid(0) succeeded after dropping root")
    if os.getuid() != account.pw_uid or os.geteuid() != account.pw_uid or 0 in os.getgroups():
        raise Refused("the ids did not change as asked")


def _close_fds(keep: set[int]) -> None:
    for fd in sorted(int(f) for f in os.listdir("/proc/self/fd")):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass  # the listing's own descriptor, closed already


def _child(conn: socket.socket, report: int, sockets: tuple[socket.socket, ...]) -> None:
    code = 1
    try:
        try:
            request = _read_request(conn)
        except ValueError as exc:
            raise Refused(f"malformed request ({exc})") from None
        for sock in sockets:
            sock.detach()  # closed below by number: no finalizer may close a reused number later
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # her server waits for its own children
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        _close_fds({0, 1, 2, report})
        server = str(Path(sys.executable).parent / SERVER_COMMAND)
        account = check_request(request, server)
        become(account)
        os.chdir(account.pw_dir)
        _prctl(PR_SET_NAME, f"srv-{account.pw_name}"[:15].encode())
        env = {str(k): str(v) for k, v in request["env"].items()}
        os.environ.clear()
        os.environ.update(env)
        args = [str(a) for a in request["cmd"]]
        _as_if_started_with(env, args)
        os.write(report, b'{"ok": true}')
        os.close(report)  # before anything else is forked from here, which would hold it open
        report = -1
        _start_fork_server(env, args)
    except BaseException as exc:
        message = str(exc) if isinstance(exc, Refused) else f"{type(exc).__name__}: {exc}"
        if report >= 0:
            os.write(report, json.dumps({"error": message}).encode())
        os._exit(1)
    try:
        from jupyterhub.singleuser import main as server_main

        code = server_main() or 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _as_if_started_with(env: dict[str, str], args: list[str]) -> None:
    """What a fresh ``jupyterhub-singleuser`` would have set from its environment and command
    line at start or import (the zygote did those with its own)."""
    import random

    random.seed()  # forked children would otherwise draw the same numbers
    sys.argv = args
    from jupyterhub.singleuser.extension import JupyterHubSingleUser

    JupyterHubSingleUser.load_other_extensions = env.get(
        "JUPYTERHUB_SINGLEUSER_LOAD_OTHER_EXTENSIONS", "1") not in {"", "0"}


def _start_fork_server(env: dict[str, str], args: list[str]) -> None:
    """Her kernels' fork server, forked from here (one thread still, and everything imported):
    it runs as her, with her environment. If that fails her server starts one as usual."""
    from course.serve import provisioner

    if provisioner.uses_fork_server(args):
        try:
            provisioner.start_here(env)
        except Exception as exc:
            print(f"odp hub: her kernels' fork server was not forked ({exc!r}): her server starts one",
                  file=sys.stderr, flush=True)
