"""A cell's output that reaches the server late is still on the page.

nbclient, which runs a page's notebook for Voila, waits ``iopub_timeout`` seconds after a cell's
reply for the rest of its output and then drops what has not come. Its default, 4 s, left unit
pages on a busy server with widgets missing and no error (bench/bench_busy_pages.py: 0 of 20
pages complete). Here the lateness is made without load: the cell holds the kernel's output
thread for 8 s, so its display goes out after the reply. Against a real `odp serve` (Voila),
and a Jupyter server started as `odp hub` starts a learner's (Voila as an extension).
"""

from __future__ import annotations

import nbformat
import pytest

from course.hub.spawn import server_args, write_server_config
from tests.browser import odp_serve
from tests.serve.running import course_copy, get, jupyter_server

pytestmark = pytest.mark.slow

LATE = """\
import sys, time
kernel = get_ipython().kernel
# Hold the kernel's output thread for 8 s, send a display to it, and let the cell's end not wait
# for it (the kernel flushes its output before replying): the display goes out after the reply.
kernel.iopub_thread.schedule(lambda: time.sleep(8))
kernel.session.send(kernel.iopub_socket, "display_data",
                    {"data": {"text/html": "<p id='late-output'>arrived late</p>"}, "metadata": {}},
                    parent=kernel.get_parent())
sys.stdout.flush_timeout = sys.stderr.flush_timeout = 0.1
"""
NEXT = "from IPython.display import HTML, display\ndisplay(HTML(\"<p id='next-output'>next cell</p>\"))"


@pytest.fixture(params=["odp serve", "a learner's server under a hub"])
def server(request, tmp_path):
    """(its address, the folder it serves)"""
    if request.param == "odp serve":
        root = course_copy(tmp_path)
        with odp_serve(root, "--pool-size", "0", env={"ODP_DEMO_COHORT": "10"}) as s:
            yield s.base, root / ".odp-data" / "learners" / "demo-learner"
    else:
        config = tmp_path / "learner_server_config.py"
        write_server_config(config, staff=False)
        with jupyter_server(tmp_path, *server_args(staff=False, config=config)) as (_, base, _, folder):
            yield base, folder


def test_output_sent_after_its_cells_reply_is_kept(server):
    base, folder = server
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LATE),
                                         nbformat.v4.new_code_cell(NEXT)])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, folder / "late.ipynb")
    status, page = get(base + "/voila/render/late.ipynb", timeout=180)
    assert status == 200 and "next-output" in page  # the notebook ran to its end
    assert "late-output" in page, "the late output was dropped"
