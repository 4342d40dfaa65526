package org.nodeguard;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * One owned reference on a C object, given back exactly once: by
 * {@link #close()}, or by a cleaner when the handle becomes unreachable.
 */
abstract class Handle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private volatile long ptr;
    private volatile boolean closing;
    /** Native calls in progress with the pointer; close() waits for them. */
    private final AtomicInteger users = new AtomicInteger();
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

    /**
     * The C pointer, for one native call: every successful enter() is
     * followed by exit() once the call returned, so that a close() from
     * another thread meanwhile frees the C object only after it. Throws
     * once closed (nothing to exit then).
     */
    final long enter() {
        users.incrementAndGet();
        long p = ptr;
        if (closing || p == 0) {
            exit();
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
        return p;
    }

    /** Ends what enter() began; the last call out after close() frees. */
    final void exit() {
        if (users.decrementAndGet() == 0 && closing) {
            free();
        }
        Reference.reachabilityFence(this);
    }

    public final boolean isClosed() {
        return closing || ptr == 0;
    }

    /**
     * Closes the handle. A native call already running with it on another
     * thread finishes first: the C object is freed when the last one
     * returns. Later uses throw IllegalStateException.
     */
    @Override
    public void close() {
        closing = true;
        if (users.get() == 0) {
            free();
        }
    }

    private void free() {
        synchronized (this) {
            if (ptr == 0) {
                return;
            }
            ptr = 0;
        }
        cleanable.clean();
    }
}
