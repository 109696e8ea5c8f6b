"""The checks README.md tells developers to run, run as written.

    python3 scripts/buildout_versions.py --check
    python3 scripts/i18n.py --check

Each must pass on the committed tree, and must be able to fail: run on a
copy with a pin or a translation removed, it exits 1 saying what is wrong.
(``make run``, backup and restore, buildout and the rest run in
scripts/ci-drills.sh, after the suite.)
"""

from phutho.intranet.testing_instances import REPO

import re
import shutil
import subprocess
import tempfile
import unittest

README = (REPO / "README.md").read_text()


def documented(command):
    """``command`` as README.md writes it (it must be there)."""
    if command not in README:
        raise AssertionError(f"README.md no longer shows {command!r}")
    return command


def run(command, cwd=REPO, timeout=900):
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class CommandCase(unittest.TestCase):
    def copy(self, *paths):
        """A scratch copy of the repository's ``paths`` (and scripts/)."""
        directory = tempfile.mkdtemp(prefix="phutho-commands-")
        self.addCleanup(shutil.rmtree, directory)
        for path in ("scripts", *paths):
            source = REPO / path
            target = f"{directory}/{path}"
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copy2(source, target)
        return directory


class TestBuildoutVersions(CommandCase):
    command = "python3 scripts/buildout_versions.py --check"

    def test_in_sync(self):
        done = run(documented("python3 scripts/buildout_versions.py") + " --check")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

    def test_a_pin_out_of_sync_fails(self):
        directory = self.copy("constraints.txt", "versions.cfg")
        versions = f"{directory}/versions.cfg"
        with open(versions) as f:
            text = f.read()
        changed = re.sub(r"^(waitress\s*=\s*)\S+", r"\g<1>0.0.1", text, flags=re.M)
        self.assertNotEqual(changed, text)
        with open(versions, "w") as f:
            f.write(changed)
        done = run(self.command, cwd=directory)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("waitress", done.stdout + done.stderr)


class TestTranslations(CommandCase):
    command = "python3 scripts/i18n.py --check"

    def test_catalogues_complete(self):
        done = run(documented("python3 scripts/i18n.py") + " --check")
        self.assertEqual(done.returncode, 0, (done.stdout + done.stderr)[-3000:])

    def test_a_missing_translation_fails(self):
        directory = self.copy("src")
        po = (
            f"{directory}/src/phutho/intranet/locales/vi/LC_MESSAGES/phutho.intranet.po"
        )
        with open(po) as f:
            text = f.read()
        changed = text.replace(
            'msgid "conflict_title"\nmsgstr "Hệ thống đang bận"',
            'msgid "conflict_title"\nmsgstr ""',
        )
        self.assertNotEqual(changed, text)
        with open(po, "w") as f:
            f.write(changed)
        done = run(self.command, cwd=directory)
        self.assertEqual(done.returncode, 1, (done.stdout + done.stderr)[-3000:])
        self.assertIn("conflict_title", done.stdout + done.stderr)
