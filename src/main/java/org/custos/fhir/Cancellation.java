package org.custos.fhir;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A cooperative cancel flag that can also be waited on: pauses (back-off, Retry-After, the time between background
 * syncs) end at once when it is cancelled. Nothing is ever interrupted (see the H2 note in build-notes).
 */
public final class Cancellation {
    private final CountDownLatch cancelled = new CountDownLatch(1);

    public void cancel() {
        cancelled.countDown();
    }

    public boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    /** Waits for {@code d} unless cancelled first; returns true when cancelled. */
    public boolean pause(Duration d) {
        try {
            return cancelled.await(Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
