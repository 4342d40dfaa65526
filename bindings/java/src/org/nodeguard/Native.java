package org.nodeguard;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;

/**
 * The JNI entry points of libnodeguard_jni, one per C call of nodeguard.h.
 *
 * <p>Texts cross as UTF-8 byte arrays, so that the C side gets pointer and
 * length and no modified-UTF-8 conversion happens. Handles cross as the C
 * pointer in a {@code long}. A failing call throws {@link NodeguardException}
 * built from {@code ng_last_error()} on the calling thread.
 *
 * <p>The library is loaded from the system property {@code nodeguard.jni}
 * (a file path), else from the environment variable
 * {@code NODEGUARD_JNI_LIB}, else by name from {@code java.library.path}.
 */
final class Native {
    /* Field numbers of requestSet; the C shim keeps the same table. */
    static final int REQ_ID = 0;
    static final int REQ_USER = 1;
    static final int REQ_BACKEND_ROLE = 2;
    static final int REQ_ROLE = 3;
    static final int REQ_ADDRESS = 4;
    static final int REQ_CERT_DN = 5;
    static final int REQ_TRANSPORT_INDEX = 6;

    /* Field numbers of lintText, lintNumber and lintRuleText. */
    static final int LINT_RULE = 0;
    static final int LINT_FILE = 1;
    static final int LINT_MESSAGE = 2;
    static final int LINT_SEVERITY = 0;
    static final int LINT_LINE = 1;
    static final int LINT_COLUMN = 2;
    static final int RULE_ID = 0;
    static final int RULE_SUMMARY = 1;

    static {
        String path = System.getProperty("nodeguard.jni");
        if (path == null || path.isEmpty()) {
            path = System.getenv("NODEGUARD_JNI_LIB");
        }
        if (path != null && !path.isEmpty()) {
            System.load(Paths.get(path).toAbsolutePath().toString());
        } else {
            System.loadLibrary("nodeguard_jni");
        }
    }

    private Native() {
    }

    /**
     * A string as UTF-8 bytes, strictly: a lone surrogate is refused
     * rather than sent as "?", which would be another name.
     */
    static byte[] utf8(String s) {
        if (s == null) {
            return null;
        }
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a string holds a lone surrogate, not text");
        }
    }

    /**
     * A file system path: as utf8(), and without a NUL, which C would read
     * as the end of a shorter path ("policy\0x" as "policy").
     */
    static byte[] path(String s) {
        if (s != null && s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a path holds a NUL character");
        }
        return utf8(s);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static native byte[] strerror(int code);

    static native long policyLoad(byte[] dir, byte[] nodeSettings);

    static native void policyRelease(long p);

    static native byte[] policyId(long p);

    static native long policyWarningCount(long p);

    static native byte[] policyWarning(long p, long i);

    static native long metadataParse(byte[] json);

    static native long metadataLoad(byte[] path);

    static native void metadataRelease(long m);

    static native long metadataIndexCount(long m);

    static native long engineNew(long p, long m);

    static native void engineRelease(long e);

    static native long nodeNew();

    static native void nodeFree(long n);

    static native void nodeLoadPolicy(long n, byte[] dir, byte[] nodeSettings);

    static native void nodeSetPolicy(long n, long p);

    static native void nodeSetMetadata(long n, long m);

    static native long nodeAcquire(long n);

    static native long requestNew();

    static native void requestFree(long r);

    static native long requestFromJson(byte[] json);

    static native void requestSet(long r, int field, byte[] value);

    static native void requestAddAttribute(long r, byte[] key, byte[] value);

    static native void requestSetRest(long r, byte[] method, byte[] path, byte[] body);

    static native void requestSetTransport(long r, byte[] action, byte[] peerDn);

    static native void requestSetTime(long r, long epochMs);

    static native byte[] requestId(long r);

    static native Decision decide(long e, long r);

    static native byte[] explain(long e, long r);

    static native long enginePolicy(long e);

    static native long engineMetadata(long e);

    static native long policyRoleCount(long p);

    static native byte[] policyRoleName(long p, long i);

    static native byte[][] policyUsers(long p);

    static native byte[] metadataIndexName(long m, long i);

    static native long lintRun(byte[] dir, byte[] metadataPath);

    static native void lintFree(long result);

    static native long lintCount(long result);

    static native byte[] lintText(long result, long i, int field);

    static native int lintNumber(long result, long i, int field);

    static native long lintRuleCount();

    static native byte[] lintRuleText(long i, int field);

    static native int lintRuleSeverity(long i);
}
