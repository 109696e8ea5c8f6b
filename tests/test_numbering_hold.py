"""How long a register's counter is held, and that numbers stay sacred.

:func:`phutho.intranet.numbering.counter.take_number` bases its write on
the counter's latest committed value, and transactions of one process
numbering in one register wait for each other instead of conflicting.
These tests drive real ZODB transactions on one database (each thread or
transaction manager its own connection, as Zope's request threads have):

* a transaction that began before another one took a number no longer
  conflicts with it (it did when the counter was read from its snapshot);
* a commit of the counter between the number and the commit is still
  refused (the write carries the serial it was based on);
* threads of one process numbering at once all commit, numbers distinct
  and gapless, none conflicting;
* the wait is released however the transaction ends, and is bounded.
"""

from phutho.intranet.numbering import counter as counter_module
from phutho.intranet.numbering.counter import RegisterCounter
from phutho.intranet.numbering.counter import take_number
from ZODB.MappingStorage import MappingStorage
from ZODB.POSException import ConflictError

import threading
import time
import transaction
import unittest
import ZODB


class Database:
    """A database with one committed counter."""

    def __init__(self):
        self.db = ZODB.DB(MappingStorage())
        manager = transaction.TransactionManager()
        connection = self.db.open(transaction_manager=manager)
        connection.root()["counter"] = RegisterCounter()
        manager.commit()
        connection.close()

    def session(self):
        """``(manager, counter)`` of a new connection."""
        manager = transaction.TransactionManager()
        connection = self.db.open(transaction_manager=manager)
        manager.begin()
        return manager, connection.root()["counter"]

    def value(self):
        manager, counter = self.session()
        try:
            return counter.value
        finally:
            manager.abort()
            counter._p_jar.close()


class TestHold(unittest.TestCase):
    def setUp(self):
        self.database = Database()
        self.addCleanup(self.database.db.close)

    def test_a_number_taken_after_an_older_start_does_not_conflict(self):
        """Transaction A begins (its snapshot: 0), B takes 1 and commits;
        A then takes 2 and commits. Read from A's snapshot the counter
        would have said 1 and A's commit would have conflicted."""
        manager_a, counter_a = self.database.session()
        self.assertEqual(counter_a.value, 0)  # A's snapshot
        manager_b, counter_b = self.database.session()
        self.assertEqual(take_number(counter_b), 1)
        manager_b.commit()
        self.assertEqual(take_number(counter_a), 2)
        manager_a.commit()
        self.assertEqual(self.database.value(), 2)

    def test_the_old_way_did_conflict(self):
        """The control: the same interleaving with the snapshot's value."""
        manager_a, counter_a = self.database.session()
        self.assertEqual(counter_a.value, 0)
        manager_b, counter_b = self.database.session()
        take_number(counter_b)
        manager_b.commit()
        counter_a.take()  # what next_number did before
        with self.assertRaises(ConflictError):
            manager_a.commit()
        manager_a.abort()
        self.assertEqual(self.database.value(), 1)

    def test_a_commit_after_the_number_is_still_refused(self):
        """Between A's number and A's commit another process (no shared
        lock: a plain write) commits the counter: A must not commit the
        same number."""
        manager_a, counter_a = self.database.session()
        self.assertEqual(take_number(counter_a), 1)
        manager_b, counter_b = self.database.session()
        self.assertEqual(counter_b.take(), 1)
        manager_b.commit()
        with self.assertRaises(ConflictError):
            manager_a.commit()
        manager_a.abort()
        self.assertEqual(self.database.value(), 1)
        # Retried (as Zope retries the request), A gets the next number.
        manager_a.begin()
        self.assertEqual(take_number(counter_a), 2)
        manager_a.commit()
        self.assertEqual(self.database.value(), 2)

    def test_several_numbers_in_one_transaction(self):
        manager, counter = self.database.session()
        self.assertEqual(
            [take_number(counter), take_number(counter), take_number(counter)],
            [1, 2, 3],
        )
        manager.commit()
        self.assertEqual(self.database.value(), 3)

    def test_aborted_numbers_are_given_back(self):
        manager, counter = self.database.session()
        take_number(counter)
        manager.abort()
        manager.begin()
        self.assertEqual(take_number(counter), 1)
        manager.commit()

    def test_threads_of_one_process_wait_instead_of_conflicting(self):
        """Eight threads, each numbering ten times with work between the
        number and the commit (while another thread would take one)."""
        numbers, conflicts, errors = [], [], []

        def clerk():
            manager, counter = self.database.session()
            try:
                for _i in range(10):
                    manager.begin()
                    number = take_number(counter)
                    time.sleep(0.005)  # the rest of the request
                    try:
                        manager.commit()
                    except ConflictError:
                        conflicts.append(number)
                        manager.abort()
                    else:
                        numbers.append(number)
            except Exception as error:  # pragma: no cover - reported below
                errors.append(repr(error))
            finally:
                counter._p_jar.close()

        threads = [threading.Thread(target=clerk) for _i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(conflicts, [])
        self.assertEqual(sorted(numbers), list(range(1, 81)))
        self.assertEqual(self.database.value(), 80)

    def test_the_wait_ends_with_the_holder(self):
        """The holder's commit, failed commit or abort lets the next one in."""
        for end in ("commit", "abort", "failed commit"):
            with self.subTest(end=end):
                manager, counter = self.database.session()
                take_number(counter)
                if end == "failed commit":

                    def refuse():
                        raise ConflictError("refused at commit")

                    manager.get().addBeforeCommitHook(refuse)
                    with self.assertRaises(ConflictError):
                        manager.commit()
                    manager.abort()
                else:
                    getattr(manager, end)()
                other_manager, other = self.database.session()
                started = time.monotonic()
                take_number(other)
                self.assertLess(time.monotonic() - started, 5)
                other_manager.abort()
                counter._p_jar.close()
                other._p_jar.close()

    def test_the_wait_is_bounded(self):
        """A holder that never ends: the next one gives up with a
        ConflictError (Zope retries it, then answers 503)."""
        self.patch_timeout(0.5)
        manager, counter = self.database.session()
        take_number(counter)
        result = []

        def other():
            other_manager, other_counter = self.database.session()
            try:
                take_number(other_counter)
            except ConflictError as error:
                result.append(error)
            finally:
                other_manager.abort()
                other_counter._p_jar.close()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(30)
        manager.abort()
        self.assertEqual(len(result), 1)
        self.assertIn("busy", str(result[0]))

    def test_a_new_counter_needs_no_read(self):
        manager, counter = self.database.session()
        fresh = RegisterCounter()
        counter._p_jar.root()["new"] = fresh
        self.assertEqual(take_number(fresh), 1)
        manager.commit()

    def patch_timeout(self, seconds):
        original = counter_module.LOCK_TIMEOUT
        counter_module.LOCK_TIMEOUT = seconds
        self.addCleanup(setattr, counter_module, "LOCK_TIMEOUT", original)
