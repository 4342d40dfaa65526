package org.nodeguard;

/**
 * A policy joined with a metadata snapshot. Immutable: any number of
 * threads may decide with one at once. The engine holds its own references
 * on both inputs, which may be closed once it is built.
 */
public final class Engine extends Handle {
    private Engine(long ptr) {
        super(ptr, Native::engineRelease);
    }

    public Engine(Policy policy, Metadata metadata) {
        this(build(policy, metadata));
    }

    private static long build(Policy policy, Metadata metadata) {
        long p = policy.enter();
        try {
            long m = metadata.enter();
            try {
                return Native.engineNew(p, m);
            } finally {
                metadata.exit();
            }
        } finally {
            policy.exit();
        }
    }

    static Engine adopt(long ptr) {
        return new Engine(ptr);
    }

    /**
     * Decides a request. An error inside deciding yields a denial with a
     * reason; only an unusable argument throws.
     */
    public Decision decide(Request request) {
        long e = enter();
        try {
            long r = request.enter();
            try {
                return Native.decide(e, r);
            } finally {
                request.exit();
            }
        } finally {
            exit();
        }
    }

    /**
     * Decides and explains, as one JSON object: "user", "roles" (with the
     * mapping rule that gave each), "cells" (each index and action checked,
     * with the permission entry that grants it) and "decision".
     */
    public String explain(Request request) {
        long e = enter();
        try {
            long r = request.enter();
            try {
                return Native.text(Native.explain(e, r));
            } finally {
                request.exit();
            }
        } finally {
            exit();
        }
    }

    /** The policy this engine joins, as a new handle to close. */
    public Policy policy() {
        long e = enter();
        try {
            return Policy.adopt(Native.enginePolicy(e));
        } finally {
            exit();
        }
    }

    /** The metadata this engine joins, as a new handle to close. */
    public Metadata metadata() {
        long e = enter();
        try {
            return Metadata.adopt(Native.engineMetadata(e));
        } finally {
            exit();
        }
    }

    /** Decides one line of the recorded-request NDJSON format. */
    public Decision decide(String jsonLine) {
        try (Request r = Request.fromJson(jsonLine)) {
            return decide(r);
        }
    }
}
