"""Generate buildout's versions.cfg from the pip pins in constraints.txt.

    python3 scripts/buildout_versions.py            # (re)write versions.cfg
    python3 scripts/buildout_versions.py --check    # exit 1 if out of sync

constraints.txt is the single source of the pins (pip installs use it with
``-c``); versions.cfg is derived from it so that buildout installs exactly
the same releases.  Never edit versions.cfg by hand.

Names are written as spelled in constraints.txt.  zc.buildout (6.0.1, the
pinned release) looks ``[versions]`` keys up through
``packaging.utils.canonicalize_name`` (PEP 503: case-insensitive, and any
run of ``-``, ``_`` and ``.`` is the same), so two pins whose names only
differ in that way would silently shadow each other: they are refused here.
The project itself is a develop egg: buildout never asks for a pin for a
develop egg, so none is written, and a pin of it in constraints.txt (as in
a freeze that lists the project) is dropped rather than copied.

Standard library only: it must run before anything is installed.
"""

from pathlib import Path

import argparse
import difflib
import re
import sys

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "phutho.intranet"

# name==version, the only form a freeze writes and buildout can express.
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
    r"\s*==\s*(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$"
)
HEADER = """\
# Generated from {source} by scripts/buildout_versions.py: do not edit.
# Change the pins in {source}, then run
#     python3 scripts/buildout_versions.py
# and check with: python3 scripts/buildout_versions.py --check
"""


class PinError(ValueError):
    """A line of the constraints file that cannot become a buildout pin."""


def canonical(name):
    """Return the PEP 503 form of ``name``, as buildout compares pins.

    Used to find duplicates and the project's own pin the way buildout
    would see them, not the way they happen to be spelled.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"a package name is required, got {name!r}")
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_line(line, where):
    """Return ``(name, version)`` for a pin line, or None for nothing to pin.

    Blank lines, comments and editable installs (``-e``: develop eggs in
    buildout, never pinned) give None.  Anything else that is not a plain
    ``name==version`` (markers, ranges, URLs, other pip options) raises
    PinError: buildout's [versions] cannot express it, and guessing would
    make the two installs differ silently.
    """
    if not isinstance(line, str):
        raise TypeError(f"line must be a str, got {type(line).__name__}")
    text = line.split(" #", 1)[0].strip()
    if not text or text.startswith("#"):
        return None
    if text.startswith(("-e ", "--editable ", "--editable=")):
        return None
    match = PIN.match(text)
    if match is None:
        raise PinError(f"{where}: not a plain 'name==version' pin: {line.strip()!r}")
    return match.group("name"), match.group("version")


def read_pins(path, project=PROJECT):
    """Return the pins of the constraints file ``path`` as [(name, version)].

    Drops the develop project's own pin and refuses two pins that buildout
    would take for the same package.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no constraints file at {path}")
    pins, seen = [], {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        pin = parse_line(line, f"{path.name}:{number}")
        if pin is None:
            continue
        key = canonical(pin[0])
        if key == canonical(project):
            continue
        if key in seen:
            raise PinError(
                f"{path.name}:{number}: {pin[0]} is pinned twice for buildout "
                f"(also line {seen[key]}; names compare as {key!r})"
            )
        seen[key] = number
        pins.append(pin)
    if not pins:
        raise PinError(f"{path}: no pins found")
    return pins


def render(pins, source="constraints.txt"):
    """Return the text of versions.cfg for ``pins``.

    Sorted by the name buildout compares (not by the constraints file's
    order), so the same pins always give the same bytes: --check compares
    text, and merely re-sorting constraints.txt must not make it fail.
    """
    if not pins:
        raise ValueError("no pins to render")
    pins = sorted(pins, key=lambda pin: (canonical(pin[0]), pin[0]))
    width = max(len(name) for name, _ in pins)
    lines = [HEADER.format(source=source), "[versions]"]
    lines += [f"{name:<{width}} = {version}" for name, version in pins]
    return "\n".join(lines) + "\n"


def check(target, expected):
    """Compare ``target`` with ``expected``; print a diff and return 1 if stale.

    Cheap enough for CI and pre-commit: nothing is installed or resolved.
    """
    target = Path(target)
    if not target.is_file():
        print(
            f"{target} is missing: run python3 scripts/buildout_versions.py",
            file=sys.stderr,
        )
        return 1
    current = target.read_text(encoding="utf-8")
    if current == expected:
        print(f"{target.name} is in sync with the constraints.")
        return 0
    diff = difflib.unified_diff(
        current.splitlines(True),
        expected.splitlines(True),
        f"{target.name} (committed)",
        f"{target.name} (from constraints)",
    )
    sys.stdout.writelines(diff)
    print(
        f"{target.name} is out of sync: run python3 scripts/buildout_versions.py",
        file=sys.stderr,
    )
    return 1


def main(argv=None):
    """Write or check versions.cfg; return the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--constraints", type=Path, default=ROOT / "constraints.txt")
    parser.add_argument("--output", type=Path, default=ROOT / "versions.cfg")
    parser.add_argument(
        "--project",
        default=PROJECT,
        help="develop egg left unpinned (default %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the output is out of sync",
    )
    args = parser.parse_args(argv)
    try:
        pins = read_pins(args.constraints, args.project)
    except (OSError, PinError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    expected = render(pins, args.constraints.name)
    if args.check:
        return check(args.output, expected)
    args.output.write_text(expected, encoding="utf-8")
    print(f"Wrote {len(pins)} pins to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
