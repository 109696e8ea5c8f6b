"""Register numbering: symbols, gapless and duplicate-free numbers.

Here the counter on one FileStorage: in sequence, with aborts, two
transactions that overlap (deterministically: both take a number before
either commits), and threads of one process racing. The negative control
runs the same overlap with a counter that merges conflicts, as
``BTrees.Length`` does, and shows the checks catch its duplicate.

Several processes and instances on ZEO and RelStorage, through HTTP, are
raced in tests/test_operations_scaleout.py.
"""

from phutho.intranet.content.register import DocumentRegister
from phutho.intranet.numbering.api import last_number
from phutho.intranet.numbering.api import next_number
from phutho.intranet.numbering.counter import counters_of
from phutho.intranet.numbering.counter import RegisterCounter
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


def numbering_faults(numbers):
    """What is wrong with ``n`` numbers handed out from a new counter:
    duplicates, and which of 1..n are missing (gaps).

    The same check judges every race here and the negative control.
    """
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    gaps = sorted(set(range(1, len(numbers) + 1)) - set(numbers))
    return {"duplicates": duplicates, "gaps": gaps}


def race(dbs, per_thread, year=2026, attempts=200, timeout=300):
    """Each db in ``dbs`` gets a thread taking ``per_thread`` numbers, each
    in a transaction of its own retried on conflict (as Zope retries a
    request), at most ``attempts`` times.

    Returns (all numbers committed, number of conflicts retried). A thread
    that runs out of attempts or time fails the race: a livelock is a
    failure, not a hang.
    """
    results, conflicts, errors = [], [0], []
    lock = threading.Lock()
    start = threading.Barrier(len(dbs))

    def worker(db):
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        start.wait(timeout)
        try:
            for i in range(per_thread):
                for attempt in range(attempts):
                    try:
                        with tm:
                            number = next_number(conn.root()["register"], year)
                        break
                    except ConflictError:
                        with lock:
                            conflicts[0] += 1
                else:
                    raise RuntimeError(f"no number after {attempts} attempts")
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
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(f"a numbering thread still runs after {timeout}s")
    if errors:
        raise errors[0]
    return results, conflicts[0]


class TestConcurrentThreads(StorageCase):
    """Threads of one process (one Zope instance's worker threads), each
    with its own connection to one FileStorage."""

    def test_four_threads_take_250_each(self):
        numbers, conflicts = race([self.db] * 4, 250)
        self.assertEqual(len(numbers), 1000)
        self.assertEqual(numbering_faults(numbers), {"duplicates": [], "gaps": []})
        with self.db.transaction() as conn:
            self.assertEqual(last_number(conn.root()["register"], 2026), 1000)
        print(
            f"\n  4 threads x 250 numbers on FileStorage: {conflicts} conflicts retried"
        )


class MergingCounter(RegisterCounter):
    """The counter as it must not be: concurrent increments merged (what
    ``BTrees.Length`` does), so no transaction ever conflicts."""

    def _p_resolveConflict(self, old, committed, new):
        state = dict(committed)
        state["value"] = committed["value"] + new["value"] - old["value"]
        return state


class OverlappingTransactions(unittest.TestCase):
    """Two instances (two ZEO clients of one server, as two Zope processes
    would be) each take a number in the same register before either
    commits; the first commits, then the second, retried as Zope retries a
    request that conflicts. Deterministic: no threads, no timing."""

    counter_class = RegisterCounter

    def setUp(self):
        import ZEO

        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        address, stop = ZEO.server(path=f"{self.tmp}/Data.fs", threaded=False)
        self.addCleanup(stop)
        # server_sync: each transaction starts from what the server has.
        self.dbs = [ZEO.DB(address, server_sync=True) for i in range(2)]
        for db in self.dbs:
            self.addCleanup(db.close)
        with self.dbs[0].transaction() as conn:
            register = conn.root()["register"] = DocumentRegister()
            # This year's counter exists (as after the year's first number).
            counters_of(register, create=True)[2026] = self.counter_class()
        for db in self.dbs:  # both see it
            with db.transaction() as conn:
                self.assertIn(2026, counters_of(conn.root()["register"]))

    def last(self):
        with self.dbs[1].transaction() as conn:
            return last_number(conn.root()["register"], 2026)

    def overlap(self):
        """Return (the numbers the two transactions committed with, how
        many conflicts were retried)."""
        managers = [transaction.TransactionManager() for i in range(2)]
        connections = [
            db.open(transaction_manager=tm) for db, tm in zip(self.dbs, managers)
        ]
        for tm in managers:
            tm.begin()  # each sees what the server has now
        taken = [next_number(c.root()["register"], 2026) for c in connections]
        conflicts = 0
        try:
            for index, tm in enumerate(managers):
                for attempt in range(5):
                    try:
                        tm.commit()
                        break
                    except ConflictError:
                        conflicts += 1
                        tm.abort()
                        register = connections[index].root()["register"]
                        taken[index] = next_number(register, 2026)
                else:
                    self.fail("no commit after 5 attempts")
        finally:
            for tm, conn in zip(managers, connections):
                tm.abort()
                conn.close()
        return taken, conflicts


class TestOverlappingTransactions(OverlappingTransactions):
    def test_second_commit_conflicts_and_takes_the_next_number(self):
        taken, conflicts = self.overlap()
        self.assertEqual(conflicts, 1)
        self.assertEqual(taken, [1, 2])
        self.assertEqual(numbering_faults(taken), {"duplicates": [], "gaps": []})
        self.assertEqual(self.last(), 2)


class TestNegativeControlMergingCounter(OverlappingTransactions):
    """The same overlap with a merging counter commits both transactions
    without a conflict, and both documents get number 1: the checks that
    judge the races see it."""

    counter_class = MergingCounter

    def test_merging_counter_hands_out_a_duplicate(self):
        taken, conflicts = self.overlap()
        self.assertEqual(conflicts, 0)
        self.assertEqual(taken, [1, 1])
        self.assertEqual(numbering_faults(taken), {"duplicates": [1], "gaps": [2]})
        # The counter says 2 numbers were given: one of them never was.
        self.assertEqual(self.last(), 2)

    def test_btrees_length_merges_the_same_way(self):
        """What docs/operations.md warns against, in the same scenario."""
        from BTrees.Length import Length

        with self.dbs[0].transaction() as conn:
            conn.root()["length"] = Length()
        managers = [transaction.TransactionManager() for i in range(2)]
        connections = [
            db.open(transaction_manager=tm) for db, tm in zip(self.dbs, managers)
        ]
        for tm in managers:
            tm.begin()  # each sees what the server has now
        taken = []
        for conn in connections:
            length = conn.root()["length"]
            length.change(1)
            taken.append(length())
        for tm in managers:
            tm.commit()  # merged: no ConflictError
        for conn in connections:
            conn.close()
        self.assertEqual(numbering_faults(taken), {"duplicates": [1], "gaps": [2]})

    def test_the_product_does_not_use_a_merging_counter(self):
        """The counter next_number creates refuses concurrent commits."""
        with self.dbs[0].transaction() as conn:
            register = conn.root()["register"]
            next_number(register, 2031)
            made = counters_of(register)[2031]
        self.assertIs(type(made), RegisterCounter)
        self.assertFalse(hasattr(type(made), "_p_resolveConflict"))
