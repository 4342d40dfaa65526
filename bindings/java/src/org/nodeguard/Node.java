package org.nodeguard;

import java.nio.file.Path;

/**
 * The engine in force on a node, swapped atomically on reload. A reload
 * that fails throws and leaves the engine in force unchanged. A node may be
 * shared by threads; {@link #close()} must come after every other use.
 */
public final class Node extends Handle {
    public Node() {
        super(Native.nodeNew(), Native::nodeFree);
    }

    public void loadPolicy(String dir) {
        loadPolicy(dir, null);
    }

    public void loadPolicy(Path dir) {
        loadPolicy(dir.toString(), null);
    }

    public void loadPolicy(String dir, String nodeSettings) {
        byte[] d = Native.path(dir), ns = Native.path(nodeSettings);
        long n = enter();
        try {
            Native.nodeLoadPolicy(n, d, ns);
        } finally {
            exit();
        }
    }

    public void setPolicy(Policy policy) {
        long n = enter();
        try {
            long p = policy.enter();
            try {
                Native.nodeSetPolicy(n, p);
            } finally {
                policy.exit();
            }
        } finally {
            exit();
        }
    }

    public void setMetadata(Metadata metadata) {
        long n = enter();
        try {
            long m = metadata.enter();
            try {
                Native.nodeSetMetadata(n, m);
            } finally {
                metadata.exit();
            }
        } finally {
            exit();
        }
    }

    /**
     * The engine in force, for try-with-resources. It stays valid until
     * closed, whatever reloads happen meanwhile. Throws with
     * {@link NodeguardException#ENOTREADY} until a policy and metadata were
     * both set.
     */
    public Engine acquire() {
        long n = enter();
        try {
            return Engine.adopt(Native.nodeAcquire(n));
        } finally {
            exit();
        }
    }

    /** Decides with the engine in force at the time of the call. */
    public Decision decide(Request request) {
        try (Engine e = acquire()) {
            return e.decide(request);
        }
    }
}
