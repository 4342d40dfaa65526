"""nodeguard: authorization decisions for search-cluster nodes.

A ctypes binding of libnodeguard (include/nodeguard.h). The library is
loaded from $NODEGUARD_LIB, or else from build/libnodeguard.so of the
repository this package sits in.

    import nodeguard

    node = nodeguard.Node()
    node.load_policy("/etc/security")
    node.set_metadata(nodeguard.Metadata.load("cluster.json"))
    with node.acquire() as engine:
        d = engine.decide(nodeguard.Request("alice", "GET", "/logs-*/_search"))
        print(d.status, d.verdict.name, d.reason)
"""

from ._core import (Decision, Engine, ErrorCode, Metadata, Node,
                    NodeguardError, Policy, Request, Verdict, strerror)
from ._lib import library_path
from ._lint import Finding, Rule, Severity, lint, lint_rules

__version__ = "0.1.0"

__all__ = [
    "Decision", "Engine", "ErrorCode", "Finding", "Metadata", "Node",
    "NodeguardError", "Policy", "Request", "Rule", "Severity", "Verdict",
    "library_path", "lint", "lint_rules", "strerror",
]
