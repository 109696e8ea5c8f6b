"""System programs the tests drive (Chromium, PostgreSQL, runzeo…).

``make test`` installs them (``scripts/system-deps.sh``). On a developer's
machine a missing program skips the tests that need it; in CI
(``CI=true``) it must not hide anything, so there the tests run and fail
with the reason.
"""

import os
import shutil
import unittest

CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
    "google-chrome",
)


def in_ci():
    """True when the environment says this is a CI run (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def find_chromium():
    """Path of a Chromium to drive: ``$CHROMIUM``, else the first of the
    usual names on PATH; None when there is none."""
    given = os.environ.get("CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require(available, what):
    """Class decorator: skip the tests when ``what`` is missing, except in
    CI, where they run (and fail in their set-up, saying what is missing)."""
    if available or in_ci():
        return lambda cls: cls
    return unittest.skip(f"{what} is not installed (make test installs it)")


def missing(what):
    """The error a test's set-up raises when ``what`` is not there."""
    return RuntimeError(
        f"{what} is not installed; scripts/system-deps.sh (run by make test) "
        "installs it"
    )
