"""Many learners on one machine: ``odp hub`` (docs/hub.md).

JupyterHub signs everyone in and gives each person a server of their own, under their own OS
account; the course service (``course.service``) runs beside it as a hub service, under an OS
user of its own, and is the one server of record. The modules, one job each:

- ``layout``: where everything lives under the hub folder, and the file modes that keep it apart;
- ``accounts``: OS users and groups (``useradd``), homes 0700;
- ``postgres``: the course's own PostgreSQL cluster on 127.0.0.1;
- ``release``: the released units in nbgrader's exchange, and a learner's copies of them;
- ``roster``: ``odp hub enrol ROSTER.csv``, applied to the OS, the hub and the store;
- ``hubapi``: the few JupyterHub REST calls enrolment needs;
- ``spawn``: what a learner's or an assessor's server is started with;
- ``zygote``: the pre-imported process each person's server is forked from, and
  ``zygote_spawner``, the hub's spawner that asks it (``Popen`` when it is not there);
- ``jupyterhub_config``: the file ``jupyterhub -f`` loads;
- ``start``: ``odp hub`` itself.
"""
