package org.nodeguard;

import java.nio.charset.StandardCharsets;

/**
 * The answer to one request, as a plain immutable value: the HTTP status
 * the node should answer with, the verdict, a reason for people, and the
 * whole decision as one line of JSON (contract section 4). The C decision
 * is freed as soon as these were read.
 */
public final class Decision {
    /** ng_verdict; DENY is zero so that a forgotten field denies. */
    public enum Verdict {
        DENY, ALLOW, PARTIAL
    }

    private final int status;
    private final Verdict verdict;
    private final String reason;
    private final String json;

    /* Called from the JNI shim. An unknown verdict number denies. */
    Decision(int status, int verdict, byte[] reason, byte[] json) {
        this.status = status;
        this.verdict = verdict == 1 ? Verdict.ALLOW
                : verdict == 2 ? Verdict.PARTIAL : Verdict.DENY;
        this.reason = new String(reason, StandardCharsets.UTF_8);
        this.json = new String(json, StandardCharsets.UTF_8);
    }

    public int status() {
        return status;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** True for ALLOW and PARTIAL: the request goes ahead, perhaps narrowed. */
    public boolean allowed() {
        return verdict != Verdict.DENY;
    }

    public String reason() {
        return reason;
    }

    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return status + " " + verdict.name().toLowerCase() + ": " + reason;
    }
}
