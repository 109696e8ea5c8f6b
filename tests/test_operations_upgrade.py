"""docs/operations.md's upgrade, on a site the previous release built.

The code of the previous profile version is taken from git (the last
commit before metadata.xml took today's version), a demo site is built
with it in a scratch instance, and then today's code runs, as documented:

    .venv/bin/zconsole run var/instance/etc/zope.conf scripts/upgrade.py

The site must then be at today's version with no step pending, and serve
its documents: pages, the REST API, a registration.
"""

from phutho.intranet.testing_instances import documented_commands
from phutho.intranet.testing_instances import DocumentedCommands
from phutho.intranet.testing_instances import environment
from phutho.intranet.testing_instances import free_port
from phutho.intranet.testing_instances import REPO
from phutho.intranet.testing_instances import run
from phutho.intranet.testing_instances import scratch_checkout
from phutho.intranet.testing_instances import scratch_directory
from phutho.intranet.testing_instances import ZopeInstance

import io
import re
import requests
import shutil
import subprocess
import tarfile
import unittest

METADATA = "src/phutho/intranet/profiles/default/metadata.xml"
PROFILE = "phutho.intranet:default"
CANDIDATES = 6  # commits of the previous version to try, newest first


def git(*args):
    return subprocess.run(
        ["git", "-C", str(REPO), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


def version_at(commit):
    """metadata.xml's version at ``commit`` (None when it had none)."""
    try:
        text = git("show", f"{commit}:{METADATA}")
    except subprocess.CalledProcessError:
        return None
    return re.search(r"<version>(\d+)</version>", text).group(1)


def previous_release():
    """Today's profile version, the previous one, and the newest commits
    whose code is at the previous one (the last first)."""
    current = re.search(
        r"<version>(\d+)</version>", (REPO / METADATA).read_text()
    ).group(1)
    if git("rev-parse", "--is-shallow-repository").strip() == "true":
        raise RuntimeError("a shallow clone has no previous release: clone it whole")
    commits = git("log", "--format=%H", "--", METADATA).split()
    bump = None
    for commit in commits:  # newest first
        if version_at(commit) != current:
            break
        bump = commit
    if bump is None:
        raise RuntimeError(f"no commit has profile version {current}")
    previous = version_at(f"{bump}^")
    if previous is None:
        raise RuntimeError(
            f"{current} is the first profile version: nothing to upgrade"
        )
    candidates = []
    for commit in git("rev-list", f"{bump}^", f"-{CANDIDATES * 4}").split():
        if version_at(commit) == previous:
            candidates.append(commit)
        if len(candidates) == CANDIDATES:
            break
    return current, previous, candidates


def extract(commit, target):
    """The commit's package and scripts, as a release tarball has them."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "src", "scripts"],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


class TestUpgradeFromThePreviousRelease(unittest.TestCase):
    def setUp(self):
        self.directory = scratch_directory("upgrade")
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)

    def build_previous_site(self, checkout, candidates):
        """A demo site built by the previous release's code; returns the
        commit used. A commit whose code does not start here (a
        dependency since dropped) gives way to an older one."""
        failures = []
        for commit in candidates:
            old = extract(commit, self.directory / f"old-{commit[:10]}")
            env = environment(DEMO=1, PYTHONPATH=old / "src")
            try:
                run(
                    [
                        checkout / ".venv" / "bin" / "zconsole",
                        "run",
                        "var/instance/etc/zope.conf",
                        old / "scripts" / "create_site.py",
                    ],
                    env=env,
                    cwd=checkout,
                    timeout=600,
                )
                return commit, env
            except RuntimeError as error:
                failures.append(f"{commit[:10]}: {str(error)[-1500:]}")
                shutil.rmtree(checkout / "var", ignore_errors=True)
                self.make_instance(checkout)
        self.fail(
            "no commit of the previous version built a site:\n" + "\n".join(failures)
        )

    def make_instance(self, checkout):
        DocumentedCommands(checkout).run(
            [f".venv/bin/python scripts/instance.py --port {self.port}"]
        )

    def demo_clerk(self, url):
        """The clerk of the demo the previous release built: the 2025
        structure's Sở KH&CN, or the Sở TT&TT of older demos (which an
        upgrade keeps as it was)."""
        for user_id in ("vanthu.sokhcn", "vanthu.sotttt"):
            auth = (user_id, "PhuTho@2026")
            answer = requests.get(
                f"{url}/Plone/@users/{user_id}",
                auth=auth,
                headers={"Accept": "application/json"},
                timeout=60,
            )
            if answer.status_code == 200:
                return auth
        self.fail("the upgraded demo has none of the known clerks")

    def test_upgrade_as_documented(self):
        current, previous, candidates = previous_release()
        self.assertTrue(candidates)
        checkout = scratch_checkout(self.directory / "checkout")
        self.port = free_port()
        self.make_instance(checkout)
        commit, old_env = self.build_previous_site(checkout, candidates)
        instance = ZopeInstance(checkout / "var", "instance", port=self.port)
        self.assertEqual(
            instance.call("profile_state", timeout=300)["version"], previous
        )
        # Today's code, the command of docs/operations.md as written.
        commands = DocumentedCommands(checkout)
        upgrade = [c for c in documented_commands("upgrade") if "upgrade.py" in c]
        self.assertEqual(len(upgrade), 1)
        commands.run(upgrade)
        state = instance.call("profile_state")
        self.assertEqual(state["version"], current)
        self.assertEqual(state["pending"], [])
        print(
            f"\n  upgrade {previous} -> {current}: site built at {commit[:10]}, "
            f"{state['documents']} documents"
        )
        # The upgraded site serves its documents.
        instance.start()
        self.addCleanup(instance.stop)
        session = requests.Session()
        session.auth = self.demo_clerk(instance.url)
        session.headers["Accept"] = "application/json"
        page = requests.get(f"{instance.url}/Plone", timeout=60)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Cổng thông tin nội bộ tỉnh Phú Thọ", page.text)
        found = session.get(
            f"{instance.url}/Plone/@search",
            params={"portal_type": "IncomingDocument", "review_state": "received"},
            timeout=60,
        ).json()
        self.assertGreater(found["items_total"], 0, "the demo's received documents")
        document = found["items"][0]["@id"]
        self.assertEqual(session.get(document, timeout=60).status_code, 200)
        html = requests.get(
            document, auth=session.auth, headers={"Accept": "text/html"}, timeout=60
        )
        self.assertEqual(html.status_code, 200)
        registered = session.post(
            f"{document}/@workflow/register",
            json={"allow_duplicate": True},
            timeout=60,
        )
        self.assertEqual(registered.status_code, 200, registered.text[:1000])
        self.assertIsNotNone(session.get(document, timeout=60).json()["arrival_number"])
