"""What the drills of the documented commands share (``scripts/drills.py``
for README and docs/operations.md, ``scripts/cluster_drill.py`` for the
cluster): a failure that says why, a newcomer's environment, waiting for a
page. Not imported by the product."""

from pathlib import Path

import os
import requests
import sys
import time

# The first ``make run`` of a fresh clone installs ~300 packages.
FIRST_START = 3600
# Variables of this machine's shell that would change what a documented
# command does: none of them is in a newcomer's shell.
OWN_VARIABLES = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PORT", "HOST")
OWN_PREFIXES = ("PHUTHO_", "SMTP_", "MAIL_", "MAILIN_", "ADMIN_", "PG", "INSTANCE")
OWN_PREFIXES += ("CLUSTER_",)


class DrillFailed(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise DrillFailed(message)


def clean_environment(**extra):
    """A newcomer's shell: none of this process's venv, Python paths or
    portal settings; ``extra`` set as strings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in OWN_VARIABLES and not k.startswith(OWN_PREFIXES)
    }
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = ":".join(p for p in env.get("PATH", "").split(":") if p != bindir)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def wait_for(url, timeout, auth=None, status=200, text=None):
    """GET ``url`` until it answers ``status`` (and contains ``text``)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, auth=auth, timeout=30)
            last = response.status_code
            if last == status and (text is None or text in response.text):
                return response
        except requests.RequestException as error:
            last = repr(error)
        time.sleep(1)
    raise DrillFailed(f"{url} did not answer {status} within {timeout}s: {last}")
