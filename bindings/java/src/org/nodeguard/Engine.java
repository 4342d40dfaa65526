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
        try {
            return Native.engineNew(policy.ptr(), metadata.ptr());
        } finally {
            policy.keepAlive();
            metadata.keepAlive();
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
        try {
            return Native.decide(ptr(), request.ptr());
        } finally {
            keepAlive();
            request.keepAlive();
        }
    }

    /**
     * Decides and explains, as one JSON object: "user", "roles" (with the
     * mapping rule that gave each), "cells" (each index and action checked,
     * with the permission entry that grants it) and "decision".
     */
    public String explain(Request request) {
        try {
            return Native.text(Native.explain(ptr(), request.ptr()));
        } finally {
            keepAlive();
            request.keepAlive();
        }
    }

    /** The policy this engine joins, as a new handle to close. */
    public Policy policy() {
        try {
            return Policy.adopt(Native.enginePolicy(ptr()));
        } finally {
            keepAlive();
        }
    }

    /** The metadata this engine joins, as a new handle to close. */
    public Metadata metadata() {
        try {
            return Metadata.adopt(Native.engineMetadata(ptr()));
        } finally {
            keepAlive();
        }
    }

    /** Decides one line of the recorded-request NDJSON format. */
    public Decision decide(String jsonLine) {
        try (Request r = Request.fromJson(jsonLine)) {
            return decide(r);
        }
    }
}
