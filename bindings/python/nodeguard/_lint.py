"""Lint: findings over a configuration directory (ng_lint_*).

Available when the loaded library has the lint API; otherwise the
functions raise NotImplementedError.
"""

import collections
import ctypes
import enum

from . import _lib
from ._core import _check, _path, _require, _string

lib = _lib.lib

__all__ = ["Severity", "Finding", "Rule", "lint", "lint_rules"]


class Severity(enum.IntEnum):
    """ng_severity."""

    INFO = 0
    WARNING = 1
    ERROR = 2


Finding = collections.namedtuple(
    "Finding", "rule severity file line column message")
Finding.__doc__ = """One lint finding; line and column are 1-based, 0 when
unknown, and file is the directory joined with the file name."""

Rule = collections.namedtuple("Rule", "id severity summary")
Rule.__doc__ = "A rule lint knows, with its usual severity."


def _severity(value):
    try:
        return Severity(value)
    except ValueError:
        return value


def _finding(result, i):
    return Finding(_string(lib.ng_lint_rule(result, i)),
                   _severity(lib.ng_lint_severity(result, i)),
                   _string(lib.ng_lint_file(result, i)),
                   lib.ng_lint_line(result, i),
                   lib.ng_lint_column(result, i),
                   _string(lib.ng_lint_message(result, i)))


def lint(directory, metadata=None):
    """Lint a configuration directory; a list of Finding, sorted by file
    and position. It succeeds even when the configuration does not load
    (that is a finding); it raises NodeguardError only when ``directory``
    is not a directory or ``metadata`` (a file path) cannot be read.
    """
    _require("ng_lint_run")
    out = ctypes.c_void_p()
    md = None if metadata is None else _path(metadata, "metadata")
    _check(lib.ng_lint_run(_path(directory, "directory"), md,
                           ctypes.byref(out)))
    try:
        count = lib.ng_lint_count(out)
        return [_finding(out, i) for i in range(count)]
    finally:
        lib.ng_lint_result_free(out)


def lint_rules():
    """The rules lint knows, as a list of Rule."""
    _require("ng_lint_run")
    return [Rule(_string(lib.ng_lint_rule_id(i)),
                 _severity(lib.ng_lint_rule_severity(i)),
                 _string(lib.ng_lint_rule_summary(i)))
            for i in range(lib.ng_lint_rule_count())]
