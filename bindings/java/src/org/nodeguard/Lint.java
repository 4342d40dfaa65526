package org.nodeguard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Lint: findings over a configuration directory. */
public final class Lint {
    /** ng_severity. */
    public enum Severity {
        INFO, WARNING, ERROR;

        static Severity of(int n) {
            return n <= 0 ? INFO : n == 1 ? WARNING : ERROR;
        }
    }

    /**
     * One finding. The file is the directory joined with the file name;
     * line and column are 1-based, 0 when unknown.
     */
    public record Finding(String rule, Severity severity, String file, int line, int column,
            String message) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase()
                    + ": " + message + " [" + rule + "]";
        }
    }

    /** A rule lint knows, with its usual severity. */
    public record Rule(String id, Severity severity, String summary) {
    }

    private Lint() {
    }

    public static List<Finding> run(Path dir) {
        return run(dir.toString(), null);
    }

    /**
     * Lints a configuration directory; with {@code metadataPath} (may be
     * null), index patterns that match nothing are reported too. Succeeds
     * even when the configuration does not load (that is a finding); throws
     * only when the directory or the metadata cannot be read.
     */
    public static List<Finding> run(String dir, String metadataPath) {
        long r = Native.lintRun(Native.path(dir), Native.path(metadataPath));
        try {
            long n = Native.lintCount(r);
            List<Finding> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.add(finding(r, i));
            }
            return Collections.unmodifiableList(out);
        } finally {
            Native.lintFree(r);
        }
    }

    private static Finding finding(long r, long i) {
        return new Finding(
                Native.text(Native.lintText(r, i, Native.LINT_RULE)),
                Severity.of(Native.lintNumber(r, i, Native.LINT_SEVERITY)),
                Native.text(Native.lintText(r, i, Native.LINT_FILE)),
                Native.lintNumber(r, i, Native.LINT_LINE),
                Native.lintNumber(r, i, Native.LINT_COLUMN),
                Native.text(Native.lintText(r, i, Native.LINT_MESSAGE)));
    }

    /** The rules lint knows. */
    public static List<Rule> rules() {
        long n = Native.lintRuleCount();
        List<Rule> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.add(new Rule(Native.text(Native.lintRuleText(i, Native.RULE_ID)),
                    Severity.of(Native.lintRuleSeverity(i)),
                    Native.text(Native.lintRuleText(i, Native.RULE_SUMMARY))));
        }
        return Collections.unmodifiableList(out);
    }
}
