package org.nodeguard;

import java.time.Instant;
import java.util.Map;

/**
 * A request to decide: who asks and what, built with chainable setters or
 * parsed from one line of the recorded-request NDJSON format. A request
 * belongs to one thread at a time.
 *
 * <pre>
 * try (Request r = new Request().setUser("alice").setRest("GET", "/logs-*&#47;_search")) {
 *     Decision d = engine.decide(r);
 * }
 * </pre>
 */
public final class Request extends Handle {
    private Request(long ptr) {
        super(ptr, Native::requestFree);
    }

    public Request() {
        this(Native.requestNew());
    }

    public static Request fromJson(String line) {
        return new Request(Native.requestFromJson(Native.utf8(line)));
    }

    private Request set(int field, String value) {
        byte[] v = Native.utf8(value);
        long r = enter();
        try {
            Native.requestSet(r, field, v);
            return this;
        } finally {
            exit();
        }
    }

    public Request setId(String id) {
        return set(Native.REQ_ID, id);
    }

    public Request setUser(String name) {
        return set(Native.REQ_USER, name);
    }

    public Request addBackendRole(String role) {
        return set(Native.REQ_BACKEND_ROLE, role);
    }

    public Request addRole(String role) {
        return set(Native.REQ_ROLE, role);
    }

    public Request setAddress(String address) {
        return set(Native.REQ_ADDRESS, address);
    }

    public Request setCertDn(String dn) {
        return set(Native.REQ_CERT_DN, dn);
    }

    public Request addTransportIndex(String index) {
        return set(Native.REQ_TRANSPORT_INDEX, index);
    }

    public Request addAttribute(String key, String value) {
        byte[] k = Native.utf8(key), v = Native.utf8(value);
        long r = enter();
        try {
            Native.requestAddAttribute(r, k, v);
            return this;
        } finally {
            exit();
        }
    }

    public Request addAttributes(Map<String, String> attributes) {
        attributes.forEach(this::addAttribute);
        return this;
    }

    public Request setRest(String method, String path) {
        return setRest(method, path, null);
    }

    /** {@code path} may carry the query string; {@code body} may be null. */
    public Request setRest(String method, String path, String body) {
        byte[] m = Native.utf8(method), p = Native.utf8(path), b = Native.utf8(body);
        long r = enter();
        try {
            Native.requestSetRest(r, m, p, b);
            return this;
        } finally {
            exit();
        }
    }

    public Request setTransport(String action) {
        return setTransport(action, null);
    }

    public Request setTransport(String action, String peerDn) {
        byte[] a = Native.utf8(action), d = Native.utf8(peerDn);
        long r = enter();
        try {
            Native.requestSetTransport(r, a, d);
            return this;
        } finally {
            exit();
        }
    }

    /** The instant date math is evaluated at, in milliseconds since the epoch. */
    public Request setTime(long epochMillis) {
        long r = enter();
        try {
            Native.requestSetTime(r, epochMillis);
            return this;
        } finally {
            exit();
        }
    }

    public Request setTime(Instant when) {
        return setTime(when.toEpochMilli());
    }

    public String id() {
        long r = enter();
        try {
            return Native.text(Native.requestId(r));
        } finally {
            exit();
        }
    }
}
