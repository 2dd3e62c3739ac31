"""`odp hub` stops what its service accounts left running when the hub ends, and nothing else."""

from __future__ import annotations

import os
import secrets
import subprocess

import pytest

from course.hub.start import stop_processes_of

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="makes an OS account (CI is root)")


@pytest.fixture
def service_user():
    name = f"t{secrets.token_hex(2)}-svc"  # the hub tests' pattern, so their clean-up finds it
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    yield name
    subprocess.run(["pkill", "-KILL", "-u", name])
    subprocess.run(["userdel", name])


def test_a_service_left_running_is_stopped_and_other_processes_are_not(service_user):
    left = subprocess.Popen(["sleep", "600"], user=service_user)
    # one that ignores SIGTERM, as a wedged service might: it is killed after the grace
    stubborn = subprocess.Popen(["sh", "-c", "trap '' TERM; sleep 600 & wait"], user=service_user)
    ours = subprocess.Popen(["sleep", "600"])
    try:
        stopped = stop_processes_of([service_user], grace=2)
        assert {left.pid, stubborn.pid} <= set(stopped)
        assert left.wait(30) is not None and stubborn.wait(30) is not None
        assert ours.pid not in stopped and ours.poll() is None
    finally:
        ours.kill()
        ours.wait()
