"""The Python face of nodeguard: policies, metadata, engines, nodes,
requests and decisions.

Every handle owns one reference on its C object and gives it back in
close(), on leaving a ``with`` block, or when garbage-collected. Objects
built from C (a policy, metadata, an engine) never change, so one may be
shared by any number of threads; a Request belongs to one thread at a time.
A Decision is a plain Python value: its C object is freed as soon as it
has been read.
"""

import contextlib
import ctypes
import datetime
import enum
import json as _json
import os
import threading

from . import _lib
from ._lib import PolicyOptions, POLICY_OPTIONS_VERSION, lib

__all__ = [
    "ErrorCode", "Verdict", "NodeguardError", "Policy", "Metadata",
    "Engine", "Node", "Request", "Decision", "strerror",
]


class ErrorCode(enum.IntEnum):
    """The NG_E* codes of nodeguard.h; the numbers never change."""

    OK = 0
    ENOMEM = -1
    EINVAL = -2
    EIO = -3
    ESYNTAX = -4
    ESCHEMA = -5
    EPATTERN = -6
    EREF = -7
    ELIMIT = -8
    EUNKNOWNAPI = -9
    EBADREQ = -10
    EINTERNAL = -11
    ENOTREADY = -12


class Verdict(enum.IntEnum):
    """ng_verdict: DENY is zero, so that a forgotten field denies."""

    DENY = 0
    ALLOW = 1
    PARTIAL = 2


def strerror(code):
    """The library's text for an error code."""
    return lib.ng_strerror(int(code)).decode("utf-8", "replace")


class NodeguardError(Exception):
    """A failed nodeguard call, with the detail of ng_last_error().

    ``code`` is the negative NG_E* number (an ErrorCode when known);
    ``file`` is None when the error has no file, ``line`` and ``column``
    are 1-based and 0 when unknown.
    """

    def __init__(self, code, message, file=None, line=0, column=0):
        try:
            code = ErrorCode(code)
        except ValueError:
            pass
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self._text())

    def _text(self):
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += ":%d" % self.line
                if self.column:
                    where += ":%d" % self.column
            where += ": "
        elif self.line:
            # text given in memory: the place in it
            where = "line %d" % self.line
            if self.column:
                where += ", column %d" % self.column
            where += ": "
        return where + (self.message or strerror(self.code))

    @classmethod
    def last(cls, code=None):
        """The error the calling thread's last failing call left."""
        detail = lib.ng_last_error().contents
        if code is None or detail.code == code:
            return cls(detail.code,
                       detail.message.decode("utf-8", "replace"),
                       detail.file.decode("utf-8", "replace") or None,
                       detail.line, detail.column)
        return cls(code, strerror(code))


def _check(rc):
    if rc != 0:
        raise NodeguardError.last(rc)


def _bytes(text, what=None):
    if isinstance(text, bytes):
        return text
    if isinstance(text, str):
        return text.encode("utf-8")
    raise TypeError("%sexpected str or bytes, got %s"
                    % (what + ": " if what else "", type(text).__name__))


def _no_nul(data, what):
    """The C side refuses a NUL; say which value held it."""
    if b"\0" in data:
        raise ValueError("%s holds a NUL character" % what)


def _path(path, what="path"):
    """A file system path as the C side takes it: str, bytes or a
    path-like object, without a NUL (C would read it as the shorter path
    before the NUL)."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError("%s: expected str, bytes or os.PathLike, got %s"
                        % (what, type(path).__name__)) from None
    # a name the file system gave undecoded (surrogate escapes) goes back
    # as the bytes it was
    data = os.fsencode(path)
    _no_nul(data, what)
    return data


def _texts(values, what):
    """A list of texts (a list, tuple or other iterable; not one text, nor
    a mapping, whose keys alone would be read)."""
    if (values is None or isinstance(values, (str, bytes)) or
            hasattr(values, "keys") or not hasattr(values, "__iter__")):
        raise TypeError("%s: expected a list of strings, got %s"
                        % (what, type(values).__name__))
    return values


def _of(obj, cls, what):
    """obj, which must be a cls."""
    if not isinstance(obj, cls):
        raise TypeError("%s: expected a nodeguard.%s, got %s"
                        % (what, cls.__name__, type(obj).__name__))
    return obj


def _string(ptr):
    return None if ptr is None else ptr.decode("utf-8", "replace")


def _require(name):
    if not _lib.has(name):
        raise NotImplementedError("this libnodeguard has no %s (%s)"
                                  % (name, _lib.library_path()))


def _options(node_settings):
    if node_settings is None:
        return None
    opts = PolicyOptions(POLICY_OPTIONS_VERSION,
                         _path(node_settings, "node_settings"))
    return ctypes.byref(opts)


class _Handle:
    """One owned reference on a C object, given back exactly once.

    ctypes lets other threads run during a call into the library, so a
    handle counts the calls using its pointer (``_use``): close() from
    another thread meanwhile marks it closed, and the last call out frees
    the C object.
    """

    _release = None
    _ptr = None
    _lock = None

    def __init__(self, ptr):
        self._ptr = ptr
        self._users = 0
        self._closing = False
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _use(self):
        """The C pointer, valid until the block ends."""
        with self._lock:
            if not self._ptr or self._closing:
                raise ValueError("%s is closed" % type(self).__name__)
            self._users += 1
            ptr = self._ptr
        try:
            yield ptr
        finally:
            with self._lock:
                self._users -= 1
                ptr = self._take()
            if ptr:
                type(self)._release(ptr)

    def _take(self):
        """The pointer to free, once closed and unused (lock held)."""
        if not self._closing or self._users:
            return None
        ptr, self._ptr = self._ptr, None
        return ptr

    def close(self):
        if self._lock is None:   # never built
            return
        with self._lock:
            self._closing = True
            ptr = self._take()
        if ptr:
            type(self)._release(ptr)

    def __del__(self):
        # At interpreter exit the library may already be gone.
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def closed(self):
        return not self._ptr or self._closing


class Policy(_Handle):
    """A compiled security configuration. Immutable; share freely."""

    _release = staticmethod(lib.ng_policy_release)

    @classmethod
    def load(cls, directory, node_settings=None):
        """Load and compile a configuration directory, all or nothing.

        ``node_settings`` names an opensearch.yml or elasticsearch.yml to
        read instead of the directory's own.
        """
        out = ctypes.c_void_p()
        _check(lib.ng_policy_load(_path(directory, "directory"),
                                  _options(node_settings),
                                  ctypes.byref(out)))
        return cls(out.value)

    @property
    def id(self):
        """"sha256:<hex>" over the policy's content."""
        with self._use() as ptr:
            return _string(lib.ng_policy_id(ptr))

    @property
    def warnings(self):
        """The warnings found while loading, one line each."""
        with self._use() as ptr:
            count = lib.ng_policy_warning_count(ptr)
            return [_string(lib.ng_policy_warning(ptr, i))
                    for i in range(count)]

    @property
    def roles(self):
        """The policy's roles, built-ins included, in a stable order."""
        _require("ng_policy_role_count")
        with self._use() as ptr:
            count = lib.ng_policy_role_count(ptr)
            return [_string(lib.ng_policy_role_name(ptr, i))
                    for i in range(count)]

    @property
    def users(self):
        """The users the policy names (internal users and literal users of
        role mappings), each once, sorted."""
        _require("ng_policy_users")
        names = ctypes.c_void_p()
        with self._use() as ptr:
            _check(lib.ng_policy_users(ptr, ctypes.byref(names)))
        try:
            count = lib.ng_names_count(names)
            return [_string(lib.ng_names_get(names, i))
                    for i in range(count)]
        finally:
            lib.ng_names_free(names)

    def __repr__(self):
        state = "closed" if self.closed else self.id
        return "<nodeguard.Policy %s>" % state


class Metadata(_Handle):
    """A cluster metadata snapshot. Immutable; share freely."""

    _release = staticmethod(lib.ng_metadata_release)

    @classmethod
    def load(cls, path):
        """Read the compact JSON, or a GET _cluster/state/metadata body."""
        out = ctypes.c_void_p()
        _check(lib.ng_metadata_load(_path(path), ctypes.byref(out)))
        return cls(out.value)

    @classmethod
    def parse(cls, text):
        """Parse metadata JSON from a str, bytes, dict or list."""
        if isinstance(text, (dict, list)):
            text = _json.dumps(text)
        data = _bytes(text)
        out = ctypes.c_void_p()
        _check(lib.ng_metadata_parse(data, len(data), ctypes.byref(out)))
        return cls(out.value)

    @property
    def index_count(self):
        with self._use() as ptr:
            return lib.ng_metadata_index_count(ptr)

    @property
    def indices(self):
        """The names of the concrete indices."""
        _require("ng_metadata_index_name")
        with self._use() as ptr:
            return [_string(lib.ng_metadata_index_name(ptr, i))
                    for i in range(lib.ng_metadata_index_count(ptr))]

    def __repr__(self):
        state = "closed" if self.closed else "%d indices" % self.index_count
        return "<nodeguard.Metadata %s>" % state


class Engine(_Handle):
    """A policy joined with a metadata snapshot. Immutable; share freely.

    The engine keeps its own references on both inputs, which may be
    closed once it is built.
    """

    _release = staticmethod(lib.ng_engine_release)

    def __init__(self, policy, metadata):
        out = ctypes.c_void_p()
        policy = _of(policy, Policy, "policy")
        metadata = _of(metadata, Metadata, "metadata")
        with policy._use() as p, metadata._use() as m:
            _check(lib.ng_engine_new(p, m, ctypes.byref(out)))
        super().__init__(out.value)

    @classmethod
    def _adopt(cls, ptr):
        engine = cls.__new__(cls)
        _Handle.__init__(engine, ptr)
        return engine

    def decide(self, request):
        """Decide a Request (or one line of recorded-request JSON).

        An error inside deciding yields a denial with a reason; only an
        unusable argument raises.
        """
        if not isinstance(request, Request):
            with Request.from_json(request) as parsed:
                return self.decide(parsed)
        out = ctypes.c_void_p()
        with self._use() as e, request._use() as r:
            _check(lib.ng_decide(e, r, ctypes.byref(out)))
        try:
            return Decision._read(out.value)
        finally:
            lib.ng_decision_free(out.value)

    def explain(self, request):
        """Decide and explain: a dict with "user", "roles" (with the mapping
        rule that gave each), "cells" (each index and action checked, with
        the permission entry that grants it) and "decision"."""
        _require("ng_explain")
        if not isinstance(request, Request):
            with Request.from_json(request) as parsed:
                return self.explain(parsed)
        out = ctypes.c_void_p()
        with self._use() as e, request._use() as r:
            _check(lib.ng_explain(e, r, ctypes.byref(out)))
        try:
            return _json.loads(ctypes.string_at(out.value).decode("utf-8"))
        finally:
            lib.ng_free(out.value)

    @property
    def policy(self):
        """The policy this engine joins, as a new reference."""
        _require("ng_engine_policy")
        with self._use() as e:
            return Policy(lib.ng_policy_retain(lib.ng_engine_policy(e)))

    @property
    def metadata(self):
        """The metadata this engine joins, as a new reference."""
        _require("ng_engine_metadata")
        with self._use() as e:
            return Metadata(lib.ng_metadata_retain(lib.ng_engine_metadata(e)))

    def __repr__(self):
        return "<nodeguard.Engine%s>" % (" closed" if self.closed else "")


class Node(_Handle):
    """The engine in force on a node, swapped atomically on reload.

    A reload that fails raises and leaves the engine in force unchanged.
    """

    _release = staticmethod(lib.ng_node_free)

    def __init__(self):
        out = ctypes.c_void_p()
        _check(lib.ng_node_new(ctypes.byref(out)))
        super().__init__(out.value)

    def load_policy(self, directory, node_settings=None):
        path, opts = _path(directory, "directory"), _options(node_settings)
        with self._use() as n:
            _check(lib.ng_node_load_policy(n, path, opts))

    def set_policy(self, policy):
        policy = _of(policy, Policy, "policy")
        with self._use() as n, policy._use() as p:
            _check(lib.ng_node_set_policy(n, p))

    def set_metadata(self, metadata):
        """Install new metadata; accepts a Metadata or its JSON text."""
        if not isinstance(metadata, Metadata):
            with Metadata.parse(metadata) as parsed:
                return self.set_metadata(parsed)
        with self._use() as n, metadata._use() as m:
            _check(lib.ng_node_set_metadata(n, m))
        return None

    def acquire(self):
        """The engine in force, to use as ``with node.acquire() as e:``.

        The engine stays valid until closed, whatever reloads happen
        meanwhile. Raises NodeguardError (ENOTREADY) until both a policy
        and metadata were set.
        """
        with self._use() as n:
            ptr = lib.ng_node_acquire(n)
        if not ptr:
            raise NodeguardError.last(ErrorCode.ENOTREADY)
        return Engine._adopt(ptr)

    def decide(self, request):
        """Decide with the engine in force at the time of the call."""
        with self.acquire() as engine:
            return engine.decide(request)


class Request(_Handle):
    """A request to decide: who asks (user, roles, attributes, address,
    certificate) and what (a REST call or a transport action).

    Every keyword maps to one ng_request_* setter; the setters are also
    methods, chainable, for building a request step by step. A REST
    ``body`` may be text, bytes, or a dict/list sent as JSON; ``time`` is
    epoch milliseconds or an aware datetime. A request is a REST call
    (``method``, ``path``) or a transport one (``action``, ``indices``),
    not both (ValueError); a REST call given a path or a body alone is a
    GET, given a method alone a call of ``/``; a method or a path given is
    taken as it is (an empty one is an unknown API, a path not starting
    with ``/`` a bad request). A transport request naming no index asks
    for all of them, and an index added before ``set_transport`` is
    refused.
    """

    _release = staticmethod(lib.ng_request_free)

    def __init__(self, user=None, method=None, path=None, body=None, *,
                 id=None, backend_roles=(), roles=(), attributes=None,
                 address=None, cert_dn=None, action=None, peer_dn=None,
                 indices=(), time=None):
        rest = method is not None or path is not None or body is not None
        if rest and (action is not None or peer_dn is not None or indices):
            raise ValueError("a request is a REST call (method, path, "
                             "body) or a transport one (action, peer_dn, "
                             "indices), not both")
        out = ctypes.c_void_p()
        _check(lib.ng_request_new(ctypes.byref(out)))
        super().__init__(out.value)
        try:
            self._fill(id, user, backend_roles, roles, attributes, address,
                       cert_dn, time)
            if rest:
                self.set_rest("GET" if method is None else method,
                              "/" if path is None else path, body)
            if action is not None:
                self.set_transport(action, peer_dn)
            for index in _texts(indices, "indices"):
                self.add_transport_index(index)
        except BaseException:
            self.close()
            raise

    def _fill(self, id, user, backend_roles, roles, attributes, address,
              cert_dn, time):
        if id is not None:
            self.set_id(id)
        if user is not None:
            self.set_user(user)
        for role in _texts(backend_roles, "backend_roles"):
            self.add_backend_role(role)
        for role in _texts(roles, "roles"):
            self.add_role(role)
        if attributes is not None and not hasattr(attributes, "items"):
            raise TypeError("attributes: expected a mapping of key to "
                            "value, got %s" % type(attributes).__name__)
        for key, value in (attributes or {}).items():
            self.add_attribute(key, value)
        if address is not None:
            self.set_address(address)
        if cert_dn is not None:
            self.set_cert_dn(cert_dn)
        if time is not None:
            self.set_time(time)

    @classmethod
    def from_json(cls, line):
        """Parse one line of the recorded-request NDJSON format (a str,
        bytes, or an already decoded dict)."""
        if isinstance(line, dict):
            line = _json.dumps(line)
        data = _bytes(line)
        out = ctypes.c_void_p()
        _check(lib.ng_request_from_json(data, len(data), ctypes.byref(out)))
        request = cls.__new__(cls)
        _Handle.__init__(request, out.value)
        return request

    def _set(self, fn, text, what):
        data = _bytes(text, what)
        _no_nul(data, what)
        with self._use() as r:
            _check(fn(r, data, len(data)))
        return self

    def set_id(self, id):
        return self._set(lib.ng_request_set_id, id, "id")

    def set_user(self, name):
        return self._set(lib.ng_request_set_user, name, "user name")

    def add_backend_role(self, role):
        return self._set(lib.ng_request_add_backend_role, role,
                         "backend role")

    def add_role(self, role):
        return self._set(lib.ng_request_add_role, role, "role")

    def set_address(self, address):
        return self._set(lib.ng_request_set_address, address, "address")

    def set_cert_dn(self, dn):
        return self._set(lib.ng_request_set_cert_dn, dn, "cert_dn")

    def add_transport_index(self, index):
        return self._set(lib.ng_request_add_transport_index, index,
                         "transport index")

    def add_attribute(self, key, value):
        k = _bytes(key, "attribute key")
        name = "attribute %r" % k.decode("utf-8", "replace")
        v = _bytes(value, name)
        _no_nul(k, "attribute key")
        _no_nul(v, name)
        with self._use() as r:
            _check(lib.ng_request_add_attribute(r, k, len(k), v, len(v)))
        return self

    def set_rest(self, method, path, body=None):
        m, p = _bytes(method), _bytes(path)
        _no_nul(m, "method")
        _no_nul(p, "path")
        if isinstance(body, (dict, list)):
            body = _json.dumps(body)
        b = None if body is None else _bytes(body)
        _no_nul(b or b"", "body")
        with self._use() as r:
            _check(lib.ng_request_set_rest(r, m, len(m), p, len(p),
                                           b, 0 if b is None else len(b)))
        return self

    def set_transport(self, action, peer_dn=None):
        a = _bytes(action)
        d = None if peer_dn is None else _bytes(peer_dn)
        _no_nul(a, "action")
        _no_nul(d or b"", "peer_dn")
        with self._use() as r:
            _check(lib.ng_request_set_transport(r, a, len(a),
                                                d, 0 if d is None else len(d)))
        return self

    def set_time(self, when):
        """``when``: epoch milliseconds (an int) or an aware datetime."""
        if isinstance(when, datetime.datetime):
            if when.utcoffset() is None:
                raise ValueError("time: a naive datetime names no instant; "
                                 "give one with a time zone")
            when = round(when.timestamp() * 1000)
        elif isinstance(when, bool) or not isinstance(when, int):
            raise TypeError("time: expected epoch milliseconds (int) or an "
                            "aware datetime, got %s" % type(when).__name__)
        if not -2 ** 63 <= when < 2 ** 63:
            raise OverflowError("time: %d milliseconds is out of range" % when)
        with self._use() as r:
            _check(lib.ng_request_set_time(r, when))
        return self

    @property
    def id(self):
        with self._use() as r:
            return _string(lib.ng_request_id(r))

    def __repr__(self):
        state = "closed" if self.closed else repr(self.id)
        return "<nodeguard.Request %s>" % state


class Decision:
    """The answer to one request: a plain, immutable Python value.

    ``status`` is the HTTP status the node should answer with, ``verdict``
    a Verdict, ``reason`` one line for people, and ``json`` the decision
    as one line of JSON (contract section 4), also available decoded
    through to_dict().
    """

    __slots__ = ("status", "verdict", "reason", "json")

    def __init__(self, status, verdict, reason, json):
        self.status = status
        self.verdict = verdict
        self.reason = reason
        self.json = json

    @classmethod
    def _read(cls, ptr):
        verdict = lib.ng_decision_verdict(ptr)
        try:
            verdict = Verdict(verdict)
        except ValueError:
            verdict = Verdict.DENY
        return cls(lib.ng_decision_status(ptr), verdict,
                   _string(lib.ng_decision_reason(ptr)),
                   _string(lib.ng_decision_json(ptr)))

    @property
    def allowed(self):
        """True for ALLOW and PARTIAL: the request goes ahead, perhaps on
        fewer indices or items."""
        return self.verdict != Verdict.DENY

    def to_dict(self):
        """The decision JSON, decoded (a fresh copy each call)."""
        return _json.loads(self.json)

    def __repr__(self):
        return "<nodeguard.Decision %d %s: %s>" % (
            self.status, self.verdict.name.lower(), self.reason)
