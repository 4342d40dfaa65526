package org.nodeguard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A cluster metadata snapshot: the compact JSON of the contract, or the body
 * of {@code GET _cluster/state/metadata}. Immutable: any number of threads
 * may use one at once.
 */
public final class Metadata extends Handle {
    private Metadata(long ptr) {
        super(ptr, Native::metadataRelease);
    }

    static Metadata adopt(long ptr) {
        return new Metadata(ptr);
    }

    public static Metadata load(String path) {
        return new Metadata(Native.metadataLoad(Native.path(path)));
    }

    public static Metadata load(Path path) {
        return load(path.toString());
    }

    public static Metadata parse(String json) {
        return new Metadata(Native.metadataParse(Native.utf8(json)));
    }

    public long indexCount() {
        long m = enter();
        try {
            return Native.metadataIndexCount(m);
        } finally {
            exit();
        }
    }

    /** The names of the concrete indices. */
    public List<String> indices() {
        long m = enter();
        try {
            long n = Native.metadataIndexCount(m);
            List<String> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.add(Native.text(Native.metadataIndexName(m, i)));
            }
            return Collections.unmodifiableList(out);
        } finally {
            exit();
        }
    }

    @Override
    public String toString() {
        return "Metadata[" + (isClosed() ? "closed" : indexCount() + " indices") + "]";
    }
}
