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
        try {
            Native.requestSet(ptr(), field, Native.utf8(value));
            return this;
        } finally {
            keepAlive();
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
        try {
            Native.requestAddAttribute(ptr(), Native.utf8(key), Native.utf8(value));
            return this;
        } finally {
            keepAlive();
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
        try {
            Native.requestSetRest(ptr(), Native.utf8(method), Native.utf8(path),
                    Native.utf8(body));
            return this;
        } finally {
            keepAlive();
        }
    }

    public Request setTransport(String action) {
        return setTransport(action, null);
    }

    public Request setTransport(String action, String peerDn) {
        try {
            Native.requestSetTransport(ptr(), Native.utf8(action), Native.utf8(peerDn));
            return this;
        } finally {
            keepAlive();
        }
    }

    /** The instant date math is evaluated at, in milliseconds since the epoch. */
    public Request setTime(long epochMillis) {
        try {
            Native.requestSetTime(ptr(), epochMillis);
            return this;
        } finally {
            keepAlive();
        }
    }

    public Request setTime(Instant when) {
        return setTime(when.toEpochMilli());
    }

    public String id() {
        try {
            return Native.text(Native.requestId(ptr()));
        } finally {
            keepAlive();
        }
    }
}
