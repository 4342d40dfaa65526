package org.nodeguard;

import java.nio.charset.StandardCharsets;

/**
 * A failed nodeguard call, with the detail of {@code ng_last_error()}: the
 * negative error code (one of the constants below, which never change
 * meaning), the file (null when the error has none), the 1-based line and
 * column (0 when unknown), and the message.
 */
public class NodeguardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int ENOMEM = -1;
    public static final int EINVAL = -2;
    public static final int EIO = -3;
    public static final int ESYNTAX = -4;
    public static final int ESCHEMA = -5;
    public static final int EPATTERN = -6;
    public static final int EREF = -7;
    public static final int ELIMIT = -8;
    public static final int EUNKNOWNAPI = -9;
    public static final int EBADREQ = -10;
    public static final int EINTERNAL = -11;
    public static final int ENOTREADY = -12;

    private final int code;
    private final String file;
    private final int line;
    private final int column;
    private final String detail;

    public NodeguardException(int code, String file, int line, int column, String message) {
        super(render(file, line, column, message));
        this.code = code;
        this.file = file == null || file.isEmpty() ? null : file;
        this.line = line;
        this.column = column;
        this.detail = message;
    }

    /* Called from the JNI shim, which hands over raw UTF-8. */
    NodeguardException(int code, byte[] file, int line, int column, byte[] message) {
        this(code, utf8(file), line, column, utf8(message));
    }

    private static String utf8(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String render(String file, int line, int column, String message) {
        StringBuilder sb = new StringBuilder();
        if (file != null && !file.isEmpty()) {
            sb.append(file);
            if (line > 0) {
                sb.append(':').append(line);
                if (column > 0) {
                    sb.append(':').append(column);
                }
            }
            sb.append(": ");
        } else if (line > 0) {
            /* text given in memory: the place in it */
            sb.append("line ").append(line);
            if (column > 0) {
                sb.append(", column ").append(column);
            }
            sb.append(": ");
        }
        return sb.append(message).toString();
    }

    /** The library's text for an error code. */
    public static String describe(int code) {
        return Native.text(Native.strerror(code));
    }

    public int code() {
        return code;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message alone, without the position. */
    public String detail() {
        return detail;
    }
}
