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
        return new Policy(Native.policyLoad(Native.path(dir), Native.path(nodeSettings)));
    }

    /** "sha256:&lt;hex&gt;" over the policy's content. */
    public String id() {
        long p = enter();
        try {
            return Native.text(Native.policyId(p));
        } finally {
            exit();
        }
    }

    /** The warnings found while loading, one line each. */
    public List<String> warnings() {
        long p = enter();
        try {
            long n = Native.policyWarningCount(p);
            List<String> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.add(Native.text(Native.policyWarning(p, i)));
            }
            return Collections.unmodifiableList(out);
        } finally {
            exit();
        }
    }

    /** The policy's roles, built-ins included, in a stable order. */
    public List<String> roles() {
        long p = enter();
        try {
            long n = Native.policyRoleCount(p);
            List<String> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.add(Native.text(Native.policyRoleName(p, i)));
            }
            return Collections.unmodifiableList(out);
        } finally {
            exit();
        }
    }

    /**
     * The users the policy names (internal users and literal users of role
     * mappings), each once, sorted.
     */
    public List<String> users() {
        long p = enter();
        try {
            List<String> out = new ArrayList<>();
            for (byte[] name : Native.policyUsers(p)) {
                out.add(Native.text(name));
            }
            return Collections.unmodifiableList(out);
        } finally {
            exit();
        }
    }

    @Override
    public String toString() {
        return "Policy[" + (isClosed() ? "closed" : id()) + "]";
    }
}
