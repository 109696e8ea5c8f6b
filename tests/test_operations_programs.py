"""The test helpers for system programs: what they find, when a missing
program skips and when it fails, and the throw-away PostgreSQL on a
machine without a ``postgres`` account."""

from phutho.intranet import testing_postgres
from phutho.intranet import testing_programs
from unittest import mock

import os
import pwd
import shutil
import stat
import tempfile
import unittest


class TestRequire(unittest.TestCase):
    def decorate(self, available, ci):
        with mock.patch.dict(os.environ, {"CI": ci}):

            @testing_programs.require(available, "Chromium")
            class Case(unittest.TestCase):
                def test_it(self):
                    pass

        result = unittest.TestResult()
        Case("test_it").run(result)
        return result

    def test_present_runs(self):
        for ci in ("", "true"):
            with self.subTest(ci=ci):
                result = self.decorate(True, ci)
                self.assertEqual((result.testsRun, result.skipped), (1, []))

    def test_missing_skips_on_a_developers_machine(self):
        result = self.decorate(False, "")
        self.assertEqual(len(result.skipped), 1)
        self.assertIn("Chromium is not installed", result.skipped[0][1])

    def test_missing_runs_in_ci_so_that_it_fails(self):
        for ci in ("true", "TRUE", "1"):
            with self.subTest(ci=ci):
                result = self.decorate(False, ci)
                self.assertEqual((result.testsRun, result.skipped), (1, []))

    def test_missing_error_says_what_installs_it(self):
        error = testing_programs.missing("PostgreSQL (Debian package postgresql)")
        self.assertIn("PostgreSQL", str(error))
        self.assertIn("scripts/system-deps.sh", str(error))


class TestFindChromium(unittest.TestCase):
    def setUp(self):
        self.bin = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.bin)

    def program(self, name):
        path = os.path.join(self.bin, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n")
        os.chmod(path, stat.S_IRWXU)
        return path

    def test_found_on_path_under_any_usual_name(self):
        for name in testing_programs.CHROMIUM_NAMES:
            with self.subTest(name=name):
                path = self.program(name)
                with mock.patch.dict(os.environ, {"PATH": self.bin, "CHROMIUM": ""}):
                    self.assertEqual(testing_programs.find_chromium(), path)
                os.remove(path)

    def test_none_when_missing(self):
        with mock.patch.dict(os.environ, {"PATH": self.bin, "CHROMIUM": ""}):
            self.assertIsNone(testing_programs.find_chromium())

    def test_chromium_variable_wins(self):
        chosen = self.program("my-chromium")
        self.program("chromium")
        with mock.patch.dict(os.environ, {"PATH": self.bin, "CHROMIUM": chosen}):
            self.assertEqual(testing_programs.find_chromium(), chosen)
        with mock.patch.dict(os.environ, {"CHROMIUM": "/nowhere/chromium"}):
            self.assertIsNone(testing_programs.find_chromium())


@testing_programs.require(
    testing_postgres.available(), "PostgreSQL (Debian package postgresql)"
)
class TestPostgresWithoutPostgresAccount(unittest.TestCase):
    """As root on a machine whose PostgreSQL package left no ``postgres``
    account (a container), the server runs as ``nobody``."""

    def test_server_runs_as_nobody(self):
        if not testing_postgres.available():
            raise testing_programs.missing("PostgreSQL (Debian package postgresql)")
        if os.geteuid() != 0:
            self.skipTest("only root switches accounts")
        accounts = ("no-such-account-phutho", "nobody")
        with mock.patch.object(testing_postgres, "SERVICE_ACCOUNTS", accounts):
            server = testing_postgres.PostgresServer()
            self.assertEqual(server.user.pw_name, "nobody")
            with server:
                server.create_database("phutho")
                owner = os.stat(server.data).st_uid
                self.assertEqual(pwd.getpwuid(owner).pw_name, "nobody")
                import psycopg2

                with psycopg2.connect(server.dsn("phutho")) as connection:
                    with connection.cursor() as cursor:
                        cursor.execute("select current_database()")
                        self.assertEqual(cursor.fetchone(), ("phutho",))
                connection.close()
            self.assertFalse(server.directory.exists(), "deleted when stopped")

    def test_no_account_at_all_is_a_clear_error(self):
        if os.geteuid() != 0:
            self.skipTest("only root needs another account")
        with mock.patch.object(testing_postgres, "SERVICE_ACCOUNTS", ("no-such-1",)):
            with self.assertRaises(RuntimeError) as raised:
                testing_postgres.PostgresServer()
        self.assertIn("no-such-1", str(raised.exception))
