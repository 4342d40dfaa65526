package org.nodeguard;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.function.LongConsumer;

/**
 * One owned reference on a C object, given back exactly once: by
 * {@link #close()}, or by a cleaner when the handle becomes unreachable.
 */
abstract class Handle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private volatile long ptr;
    private final Cleaner.Cleanable cleanable;

    /** The action must not refer to the handle, or it is never cleaned. */
    private static final class Release implements Runnable {
        private final long ptr;
        private final LongConsumer release;

        Release(long ptr, LongConsumer release) {
            this.ptr = ptr;
            this.release = release;
        }

        @Override
        public void run() {
            release.accept(ptr);
        }
    }

    Handle(long ptr, LongConsumer release) {
        this.ptr = ptr;
        this.cleanable = CLEANER.register(this, new Release(ptr, release));
    }

    /** The C pointer; throws once closed. */
    final long ptr() {
        long p = ptr;
        if (p == 0) {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
        return p;
    }

    /**
     * Keeps the handle reachable until a native call that uses its pointer
     * has returned, so that the cleaner cannot free it meanwhile.
     */
    final void keepAlive() {
        Reference.reachabilityFence(this);
    }

    public final boolean isClosed() {
        return ptr == 0;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (ptr == 0) {
                return;
            }
            ptr = 0;
        }
        cleanable.clean();
    }
}
