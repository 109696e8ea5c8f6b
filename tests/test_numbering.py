"""Register numbering: symbols, gapless and duplicate-free numbers.

The concurrency tests run the real counter on real storages: two threads
with their own ZODB connections on one FileStorage, then two ZEO clients
and two RelStorage clients on one PostgreSQL database (two "Zope
instances" each). Every number must be handed out
exactly once and none skipped.
"""

from phutho.intranet import testing_postgres
from phutho.intranet.content.register import DocumentRegister
from phutho.intranet.numbering.api import last_number
from phutho.intranet.numbering.api import next_number
from phutho.intranet.numbering.symbol import compose_symbol
from phutho.intranet.numbering.symbol import format_number
from ZODB.POSException import ConflictError

import shutil
import tempfile
import threading
import transaction
import unittest
import ZODB
import ZODB.FileStorage


class TestSymbol(unittest.TestCase):
    def test_typed_document(self):
        self.assertEqual(compose_symbol(15, "QĐ", "UBND"), "15/QĐ-UBND")

    def test_cong_van_uses_drafting_unit(self):
        self.assertEqual(compose_symbol(5, "", "UBND", "VX"), "05/UBND-VX")

    def test_leading_zero_below_ten(self):
        self.assertEqual(format_number(1), "01")
        self.assertEqual(format_number(9), "09")
        self.assertEqual(format_number(10), "10")
        self.assertEqual(format_number(1234), "1234")

    def test_bad_numbers(self):
        for bad in (0, -3, "5", None, True, 1.5):
            with self.assertRaises(ValueError):
                format_number(bad)

    def test_cong_van_without_unit_is_refused(self):
        with self.assertRaises(ValueError):
            compose_symbol(5, "", "UBND")

    def test_agency_abbreviation_required(self):
        with self.assertRaises(ValueError):
            compose_symbol(5, "QĐ", "")


class StorageCase(unittest.TestCase):
    """A fresh FileStorage with one register at ``root()["register"]``."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.db = self.open_db()
        with self.db.transaction() as conn:
            conn.root()["register"] = DocumentRegister()

    def open_db(self):
        return ZODB.DB(ZODB.FileStorage.FileStorage(f"{self.tmp}/Data.fs"))

    def tearDown(self):
        self.db.close()
        shutil.rmtree(self.tmp)

    def take(self, db, year=2026, commit=True):
        """Take a number in a transaction of its own, retrying conflicts."""
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            for attempt in tm.attempts(50):
                with attempt:
                    number = next_number(conn.root()["register"], year)
                    if not commit:
                        tm.abort()
                        return number
            return number
        finally:
            conn.close()


class TestCounter(StorageCase):
    def test_sequence(self):
        self.assertEqual([self.take(self.db) for i in range(3)], [1, 2, 3])

    def test_new_year_starts_at_one(self):
        self.take(self.db, 2026)
        self.take(self.db, 2026)
        self.assertEqual(self.take(self.db, 2027), 1)
        self.assertEqual(self.take(self.db, 2026), 3)

    def test_aborted_transaction_leaves_no_gap(self):
        self.assertEqual(self.take(self.db), 1)
        self.assertEqual(self.take(self.db, commit=False), 2)
        self.assertEqual(self.take(self.db), 2)
        with self.db.transaction() as conn:
            self.assertEqual(last_number(conn.root()["register"], 2026), 2)

    def test_exception_gives_the_number_back(self):
        tm = transaction.TransactionManager()
        conn = self.db.open(transaction_manager=tm)
        with self.assertRaises(RuntimeError):
            with tm:
                next_number(conn.root()["register"], 2026)
                raise RuntimeError("validation failed after numbering")
        conn.close()
        self.assertEqual(self.take(self.db), 1)

    def test_concurrent_increments_conflict(self):
        """Two open transactions take the same next number; the second
        commit must fail rather than store a duplicate."""
        tm1, tm2 = transaction.TransactionManager(), transaction.TransactionManager()
        conn1 = self.db.open(transaction_manager=tm1)
        conn2 = self.db.open(transaction_manager=tm2)
        first = next_number(conn1.root()["register"], 2026)
        second = next_number(conn2.root()["register"], 2026)
        self.assertEqual(first, second)  # both saw the same snapshot
        tm1.commit()
        with self.assertRaises(ConflictError):
            tm2.commit()
        tm2.abort()
        conn1.close()
        conn2.close()


def race(dbs, per_thread, year=2026):
    """Each db in ``dbs`` gets a thread taking ``per_thread`` numbers.

    Returns (all numbers committed, number of conflicts retried).
    """
    results, conflicts, errors = [], [0], []
    lock = threading.Lock()
    start = threading.Barrier(len(dbs))

    def worker(db):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        start.wait()
        try:
            for i in range(per_thread):
                while True:
                    try:
                        with tm:
                            number = next_number(conn.root()["register"], year)
                        break
                    except ConflictError:
                        with lock:
                            conflicts[0] += 1
                with lock:
                    results.append(number)
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(db,)) for db in dbs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results, conflicts[0]


class TestConcurrentThreads(StorageCase):
    def test_two_threads_take_500_each(self):
        numbers, conflicts = race([self.db, self.db], 500)
        self.assertEqual(len(numbers), 1000)
        self.assertEqual(sorted(numbers), list(range(1, 1001)))
        with self.db.transaction() as conn:
            self.assertEqual(last_number(conn.root()["register"], 2026), 1000)
        print(
            f"\n  2 threads x 500 numbers on FileStorage: {conflicts} conflicts retried"
        )


class TestConcurrentZEOClients(unittest.TestCase):
    """Two ZEO client storages stand for two Zope instances."""

    def setUp(self):
        import ZEO

        self.tmp = tempfile.mkdtemp()
        self.address, self.stop = ZEO.server(path=f"{self.tmp}/Data.fs", threaded=False)
        self.dbs = [ZEO.DB(self.address) for i in range(2)]
        with self.dbs[0].transaction() as conn:
            conn.root()["register"] = DocumentRegister()

    def tearDown(self):
        for db in self.dbs:
            db.close()
        self.stop()
        shutil.rmtree(self.tmp)

    def test_two_instances_take_500_each(self):
        numbers, conflicts = race(self.dbs, 500)
        self.assertEqual(sorted(numbers), list(range(1, 1001)))
        print(f"\n  2 ZEO clients x 500 numbers: {conflicts} conflicts retried")


class TestTheRaceWouldCatchAMergingCounter(StorageCase):
    """Negative control: a counter whose conflicts are merged (as
    ``BTrees.Length`` does) hands out the same number to two overlapping
    transactions, where ours refuses the second commit."""

    def test_merging_counter_duplicates(self):
        from BTrees.Length import Length

        with self.db.transaction() as conn:
            conn.root()["length"] = Length()
        tm1, tm2 = transaction.TransactionManager(), transaction.TransactionManager()
        conn1 = self.db.open(transaction_manager=tm1)
        conn2 = self.db.open(transaction_manager=tm2)
        taken = []
        for conn in (conn1, conn2):
            length = conn.root()["length"]
            length.change(1)
            taken.append(length())
        tm1.commit()
        tm2.commit()  # merged: no ConflictError
        conn1.close()
        conn2.close()
        self.assertEqual(taken, [1, 1])


@unittest.skipUnless(
    testing_postgres.available(), "PostgreSQL is not installed (make test installs it)"
)
class TestConcurrentRelStorageInstances(unittest.TestCase):
    """Two RelStorage clients on one real PostgreSQL database stand for two
    Zope instances of a scaled-out province."""

    def setUp(self):
        from relstorage.adapters.postgresql import PostgreSQLAdapter
        from relstorage.options import Options
        from relstorage.storage import RelStorage

        self.server = testing_postgres.PostgresServer().start()
        self.server.create_database("phutho")
        self.blobs = tempfile.mkdtemp()

        def open_db(index):
            options = Options(
                keep_history=False,
                blob_dir=f"{self.blobs}/{index}",
                shared_blob_dir=False,
            )
            adapter = PostgreSQLAdapter(dsn=self.server.dsn("phutho"), options=options)
            return ZODB.DB(RelStorage(adapter, options=options))

        self.dbs = [open_db(0), open_db(1)]
        with self.dbs[0].transaction() as conn:
            conn.root()["register"] = DocumentRegister()

    def tearDown(self):
        for db in self.dbs:
            db.close()
        self.server.stop()
        shutil.rmtree(self.blobs)

    def test_two_instances_take_500_each(self):
        numbers, conflicts = race(self.dbs, 500)
        self.assertEqual(sorted(numbers), list(range(1, 1001)))
        with self.dbs[1].transaction() as conn:
            self.assertEqual(last_number(conn.root()["register"], 2026), 1000)
        print(
            f"\n  2 RelStorage clients on PostgreSQL x 500 numbers: {conflicts} conflicts retried"
        )
