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
        try {
            Native.nodeLoadPolicy(ptr(), Native.utf8(dir), Native.utf8(nodeSettings));
        } finally {
            keepAlive();
        }
    }

    public void setPolicy(Policy policy) {
        try {
            Native.nodeSetPolicy(ptr(), policy.ptr());
        } finally {
            keepAlive();
            policy.keepAlive();
        }
    }

    public void setMetadata(Metadata metadata) {
        try {
            Native.nodeSetMetadata(ptr(), metadata.ptr());
        } finally {
            keepAlive();
            metadata.keepAlive();
        }
    }

    /**
     * The engine in force, for try-with-resources. It stays valid until
     * closed, whatever reloads happen meanwhile. Throws with
     * {@link NodeguardException#ENOTREADY} until a policy and metadata were
     * both set.
     */
    public Engine acquire() {
        try {
            return Engine.adopt(Native.nodeAcquire(ptr()));
        } finally {
            keepAlive();
        }
    }

    /** Decides with the engine in force at the time of the call. */
    public Decision decide(Request request) {
        try (Engine e = acquire()) {
            return e.decide(request);
        }
    }
}
