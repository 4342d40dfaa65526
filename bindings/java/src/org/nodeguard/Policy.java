package org.nodeguard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A compiled security configuration. Immutable: any number of threads may
 * use one at once.
 */
public final class Policy extends Handle {
    private Policy(long ptr) {
        super(ptr, Native::policyRelease);
    }

    static Policy adopt(long ptr) {
        return new Policy(ptr);
    }

    /** Loads and compiles a configuration directory, all or nothing. */
    public static Policy load(String dir) {
        return load(dir, null);
    }

    public static Policy load(Path dir) {
        return load(dir.toString(), null);
    }

    /**
     * Loads a directory, reading {@code nodeSettings} (an opensearch.yml or
     * elasticsearch.yml) instead of the directory's own when not null.
     */
    public static Policy load(String dir, String nodeSettings) {
        return new Policy(Native.policyLoad(Native.utf8(dir), Native.utf8(nodeSettings)));
    }

    /** "sha256:&lt;hex&gt;" over the policy's content. */
    public String id() {
        try {
            return Native.text(Native.policyId(ptr()));
        } finally {
            keepAlive();
        }
    }

    /** The warnings found while loading, one line each. */
    public List<String> warnings() {
        try {
            long p = ptr();
            long n = Native.policyWarningCount(p);
            List<String> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.add(Native.text(Native.policyWarning(p, i)));
            }
            return Collections.unmodifiableList(out);
        } finally {
            keepAlive();
        }
    }

    /** The policy's roles, built-ins included, in a stable order. */
    public List<String> roles() {
        try {
            long p = ptr();
            long n = Native.policyRoleCount(p);
            List<String> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.add(Native.text(Native.policyRoleName(p, i)));
            }
            return Collections.unmodifiableList(out);
        } finally {
            keepAlive();
        }
    }

    /**
     * The users the policy names (internal users and literal users of role
     * mappings), each once, sorted.
     */
    public List<String> users() {
        try {
            List<String> out = new ArrayList<>();
            for (byte[] name : Native.policyUsers(ptr())) {
                out.add(Native.text(name));
            }
            return Collections.unmodifiableList(out);
        } finally {
            keepAlive();
        }
    }

    @Override
    public String toString() {
        return "Policy[" + (isClosed() ? "closed" : id()) + "]";
    }
}
