"""Loading of libnodeguard and the C prototypes of the public API.

Only include/nodeguard.h is bound here; nothing else of the library is
reachable. Functions added to the header later (lint, explain) are bound
when the loaded library exports them and are skipped otherwise.
"""

import ctypes
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO_LIB = os.path.normpath(
    os.path.join(_HERE, "..", "..", "..", "build", "libnodeguard.so"))

POLICY_OPTIONS_VERSION = 1


class ErrorDetail(ctypes.Structure):
    """struct ng_error."""

    _fields_ = [
        ("code", ctypes.c_int),
        ("file", ctypes.c_char * 256),
        ("line", ctypes.c_int),
        ("column", ctypes.c_int),
        ("message", ctypes.c_char * 512),
    ]


class PolicyOptions(ctypes.Structure):
    """struct ng_policy_options."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("node_settings", ctypes.c_char_p),
    ]


_vp = ctypes.c_void_p
_pp = ctypes.POINTER(ctypes.c_void_p)
_cs = ctypes.c_char_p
_sz = ctypes.c_size_t
_int = ctypes.c_int

# name: (restype, argtypes)
_PROTOTYPES = {
    "ng_strerror": (_cs, [_int]),
    "ng_last_error": (ctypes.POINTER(ErrorDetail), []),
    "ng_free": (None, [_vp]),

    "ng_policy_load": (_int, [_cs, ctypes.POINTER(PolicyOptions), _pp]),
    "ng_policy_release": (None, [_vp]),
    "ng_policy_retain": (_vp, [_vp]),
    "ng_policy_id": (_cs, [_vp]),
    "ng_policy_warning_count": (_sz, [_vp]),
    "ng_policy_warning": (_cs, [_vp, _sz]),

    "ng_metadata_parse": (_int, [_cs, _sz, _pp]),
    "ng_metadata_load": (_int, [_cs, _pp]),
    "ng_metadata_release": (None, [_vp]),
    "ng_metadata_retain": (_vp, [_vp]),
    "ng_metadata_index_count": (_sz, [_vp]),

    "ng_engine_new": (_int, [_vp, _vp, _pp]),
    "ng_engine_retain": (_vp, [_vp]),
    "ng_engine_release": (None, [_vp]),

    "ng_node_new": (_int, [_pp]),
    "ng_node_free": (None, [_vp]),
    "ng_node_load_policy": (_int, [_vp, _cs, ctypes.POINTER(PolicyOptions)]),
    "ng_node_set_policy": (_int, [_vp, _vp]),
    "ng_node_set_metadata": (_int, [_vp, _vp]),
    "ng_node_acquire": (_vp, [_vp]),

    "ng_request_new": (_int, [_pp]),
    "ng_request_free": (None, [_vp]),
    "ng_request_from_json": (_int, [_cs, _sz, _pp]),
    "ng_request_set_id": (_int, [_vp, _cs, _sz]),
    "ng_request_set_user": (_int, [_vp, _cs, _sz]),
    "ng_request_add_backend_role": (_int, [_vp, _cs, _sz]),
    "ng_request_add_role": (_int, [_vp, _cs, _sz]),
    "ng_request_add_attribute": (_int, [_vp, _cs, _sz, _cs, _sz]),
    "ng_request_set_address": (_int, [_vp, _cs, _sz]),
    "ng_request_set_cert_dn": (_int, [_vp, _cs, _sz]),
    "ng_request_set_rest": (_int, [_vp, _cs, _sz, _cs, _sz, _cs, _sz]),
    "ng_request_set_transport": (_int, [_vp, _cs, _sz, _cs, _sz]),
    "ng_request_add_transport_index": (_int, [_vp, _cs, _sz]),
    "ng_request_set_time": (_int, [_vp, ctypes.c_int64]),
    "ng_request_id": (_cs, [_vp]),

    "ng_decide": (_int, [_vp, _vp, _pp]),
    "ng_decision_free": (None, [_vp]),
    "ng_decision_verdict": (_int, [_vp]),
    "ng_decision_status": (_int, [_vp]),
    "ng_decision_reason": (_cs, [_vp]),
    "ng_decision_json": (_cs, [_vp]),
}

REQUIRED = frozenset(_PROTOTYPES)

# Bound only when the loaded library exports them.
_OPTIONAL = {
    "ng_explain": (_int, [_vp, _vp, ctypes.POINTER(ctypes.c_void_p)]),
    "ng_engine_policy": (_vp, [_vp]),
    "ng_engine_metadata": (_vp, [_vp]),
    "ng_policy_role_count": (_sz, [_vp]),
    "ng_policy_role_name": (_cs, [_vp, _sz]),
    "ng_names_count": (_sz, [_vp]),
    "ng_names_get": (_cs, [_vp, _sz]),
    "ng_names_free": (None, [_vp]),
    "ng_policy_users": (_int, [_vp, _pp]),
    "ng_metadata_index_name": (_cs, [_vp, _sz]),
    "ng_lint_run": (_int, [_cs, _cs, _pp]),
    "ng_lint_result_free": (None, [_vp]),
    "ng_lint_count": (_sz, [_vp]),
    "ng_lint_rule": (_cs, [_vp, _sz]),
    "ng_lint_severity": (_int, [_vp, _sz]),
    "ng_lint_file": (_cs, [_vp, _sz]),
    "ng_lint_line": (_int, [_vp, _sz]),
    "ng_lint_column": (_int, [_vp, _sz]),
    "ng_lint_message": (_cs, [_vp, _sz]),
    "ng_lint_rule_count": (_sz, []),
    "ng_lint_rule_id": (_cs, [_sz]),
    "ng_lint_rule_summary": (_cs, [_sz]),
    "ng_lint_rule_severity": (_int, [_sz]),
}


def library_path():
    """The shared library to load: $NODEGUARD_LIB, else the repository's."""
    return os.environ.get("NODEGUARD_LIB") or _REPO_LIB


def _load():
    path = library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:
        raise ImportError(
            "cannot load libnodeguard from %s (build it with make, or set "
            "NODEGUARD_LIB): %s" % (path, exc)) from None
    for name, (restype, argtypes) in _PROTOTYPES.items():
        _bind(lib, name, restype, argtypes)
    for name, (restype, argtypes) in _OPTIONAL.items():
        if hasattr(lib, name):
            _bind(lib, name, restype, argtypes)
    return lib


def _bind(lib, name, restype, argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = argtypes


lib = _load()


def has(name):
    """Whether the loaded library exports `name` (and it is bound)."""
    return name in _PROTOTYPES or (name in _OPTIONAL and hasattr(lib, name))
