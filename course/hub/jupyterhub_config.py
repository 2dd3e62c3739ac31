"""The hub's configuration: ``jupyterhub -f`` loads this file (``odp hub`` starts it so).

Every setting comes from ``course.config.Settings`` (``ODP_HUB_*``, see its help) and the hub
folder's ``secrets.json``; nothing here is edited per machine.
"""

import sys
from pathlib import Path

from course.config import Settings
from course.hub import marking
from course.hub.layout import HubLayout
from course.hub.postgres import Cluster
from course.hub.spawn import SERVER_TOKEN_SCOPES, STAFF_GROUP_PREFIX, SpawnPlan

settings = Settings()
layout = HubLayout(settings.hub_dir)
known = layout.read_secrets()
cluster = Cluster(layout.postgres, layout.postgres_run, settings.hub_postgres_port)
python = sys.executable
HERE = Path(__file__).resolve().parent
course_id = settings.hub_course_id
public = [f"{h}:{settings.hub_port}" for h in {settings.hub_ip, "127.0.0.1", "localhost"}]
gradebook_url = cluster.url("odp_grader", known["db_grader"], "gradebook")
assessors = f"{STAFF_GROUP_PREFIX}{course_id}"  # nbgrader's group of the course's assessors

c = get_config()  # noqa: F821 (jupyterhub provides it)

c.JupyterHub.ip = settings.hub_ip
c.JupyterHub.port = settings.hub_port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings.hub_api_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.hub_proxy_api_port}"
c.ConfigurableHTTPProxy.command = [str(HERE / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(layout.runtime / "proxy.pid")
c.JupyterHub.db_url = cluster.url("odp_hub", known["db_hub"], "hub")
c.JupyterHub.cookie_secret_file = str(layout.runtime / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True
# Land on the course home, which the course service serves.
c.JupyterHub.default_url = "/services/course/"

# Sign-in: the machine's own accounts (PAM), only for people `odp hub enrol` added to the hub.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allow_existing_users = True
c.Authenticator.admin_users = set()

c.JupyterHub.services = [
    {   # the one server of record, under its own OS user
        "name": "course",
        "url": f"http://127.0.0.1:{settings.service_port}",
        "command": [python, "-m", "course.service", "--hub", "--port", str(settings.service_port),
                    "--data-dir", str(layout.service), "--content-root", str(settings.content_root),
                    "--exchange", str(layout.exchange)],
        "user": settings.hub_service_user,
        "cwd": str(layout.service),
        "environment": {
            "ODP_DATABASE_URL": cluster.url("odp_service", known["db_service"], "course"),
            "ODP_PUBLIC_HOSTS": ",".join(public),
            "ODP_EXCHANGE_DIR": str(layout.exchange),
        },
        "oauth_no_confirm": True,
        "oauth_client_allowed_scopes": ["read:users:groups!user"],
    },
    # the marking app, for the assessors only, under its own OS user (course/hub/marking.py)
    marking.service(layout, settings.content_root, port=settings.hub_marking_port, user=settings.hub_marking_user,
                    gradebook_url=gradebook_url, assessors=assessors, public_hosts=public),
    {   # `odp hub enrol` and the tests talk to the hub with this token
        "name": "odp-admin",
        "api_token": known["admin_token"],
    },
    {
        "name": "idle-culler",
        "command": [python, "-m", "jupyterhub_idle_culler", f"--timeout={settings.hub_idle_minutes * 60}"],
    },
]
c.JupyterHub.load_roles = [
    # Everyone may reach the course service (it decides what they see).
    {"name": "user", "scopes": ["self", "access:services!service=course"]},
    marking.role(assessors),
    {"name": "odp-admin", "services": ["odp-admin"],
     "scopes": ["admin:users", "admin:groups", "list:users", "read:users", "tokens", "admin:servers"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]

# Each person's server, as their own OS user; their kernels and commands reach the course service
# with the server's own token, which says who they are and their groups.
plan = SpawnPlan(layout, settings.content_root, course_id,
                 service_url=f"http://127.0.0.1:{settings.service_port}/services/course",
                 gradebook_url=gradebook_url)
c.Spawner.cmd = [str(Path(python).parent / "jupyterhub-singleuser")]
if settings.hub_zygote:  # forked from a process that has imported the server (course/hub/zygote.py)
    from course.hub.zygote import socket_path

    c.JupyterHub.spawner_class = "course.hub.zygote_spawner.ZygoteSpawner"
    c.ZygoteSpawner.zygote_socket = str(socket_path(layout.runtime))
c.Spawner.pre_spawn_hook = plan.before_start
c.Spawner.server_token_scopes = SERVER_TOKEN_SCOPES
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.default_url = "/lab"
