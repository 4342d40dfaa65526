"""What the Python tests share: where the repository's data is, and how a
decision is compared with a recorded request's "expect" (the same rules
as `nodeguard eval --check`)."""

import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
CASES = os.path.join(REPO, "tests", "cases")
SAMPLES = os.path.join(REPO, "samples")

sys.path.insert(0, os.path.dirname(HERE))

import nodeguard  # noqa: E402  (after the path is set)

__all__ = [
    "CASES", "REPO", "SAMPLES", "TempDir", "mismatch", "nodeguard",
    "status_class", "top_indices",
]


def status_class(status):
    """Any 2xx compares as 200."""
    return 200 if 200 <= status < 300 else status


def top_indices(decision):
    """The allowed top-level index set: the union of ``indices`` over the
    checks with item null, scope index, allowed true."""
    found = set()
    for check in decision.get("checks", []):
        if (check.get("item") is None and check.get("scope") == "index"
                and check.get("allowed") is True):
            found.update(check.get("indices", []))
    return found


def mismatch(expect, decision):
    """Why a decoded decision does not meet ``expect``; None when it does."""
    want = expect.get("status")
    got = decision["status"]
    if isinstance(want, int) and status_class(got) != status_class(want):
        return "status %d, expected %d" % (got, want)

    if isinstance(expect.get("indices"), list):
        have = top_indices(decision)
        if have != set(expect["indices"]):
            return "indices %s, expected %s" % (
                sorted(have), sorted(expect["indices"]))

    items = {it.get("item"): it.get("status")
             for it in decision.get("items", [])}
    for i, item in enumerate(expect.get("items") or []):
        want = item.get("status")
        got = items.get(i, -1)
        if isinstance(want, int) and status_class(got) != status_class(want):
            return "item %d: status %d, expected %d" % (i, got, want)
    return None


class TempDir:
    """A scratch directory of files, removed on exit."""

    def __init__(self, files):
        self.files = files

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="nodeguard-py-")
        for name, text in self.files.items():
            with open(os.path.join(self.path, name), "w") as f:
                f.write(text)
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)
