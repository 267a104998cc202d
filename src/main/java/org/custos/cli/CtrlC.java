package org.custos.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl+C (or a SIGTERM) during a command that writes: the JVM's shutdown waits until the command has stopped after
 * the batch it is writing and closed the cache, so the cache is left closed cleanly. Open it before the cache (in
 * the same try-with-resources): the cache closes first, then this lets the shutdown go on.
 */
final class CtrlC implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    CtrlC(String name) {
        hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True once Ctrl+C was pressed: stop after the current batch. */
    boolean stopped() {
        return stop.get();
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook is running and has just been let go
        }
    }
}
