package org.custos.ui;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class FxTaskRunnerTest {
    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage(); // a Task reports its state on the FX thread
    }

    /** Work asked for once the app is closing (its executor shut down) is not started, and leaves nothing busy. */
    @Test
    void workSubmittedAfterShutdownIsNotStartedAndLeavesNothingBusy() {
        FxTaskRunner runner = new FxTaskRunner();
        runner.shutdown();
        AtomicBoolean touched = new AtomicBoolean();
        runner.submit("Loading the list", p -> {
            touched.set(true);
            return 1;
        }, v -> touched.set(true), e -> touched.set(true));
        assertThat(touched).isFalse();
        assertThat(runner.busyProperty().get()).isFalse();
        assertThat(runner.messageProperty().get()).isEmpty();
    }

    /**
     * Closing: no new work starts, the work under way is told to stop at its next step (its flag, and what it waits in
     * through {@code onCancel}), and all of it is waited for however long it takes — here an opening of the cache that
     * cannot stop midway, and the removal of a source, which only the user's Cancel stops halfway — with what it
     * waits for said by name; nothing is interrupted.
     */
    @Test
    void stopAllCancelsTheWorkUnderWayAndWaitsForAllOfItSayingWhatItWaitsFor() throws Exception {
        FxTaskRunner runner = new FxTaskRunner();
        CountDownLatch running = new CountDownLatch(3);
        CountDownLatch openingMayEnd = new CountDownLatch(1);
        CountDownLatch removalMayEnd = new CountDownLatch(1);
        List<String> ended = new CopyOnWriteArrayList<>();
        Thread closer = null;
        try {
            // (the runner has three workers: three pieces of work at once)
            runner.submit("Verifying the cache", p -> { // waits inside something with a cancel of its own
                CountDownLatch request = new CountDownLatch(1);
                p.onCancel(request::countDown);
                running.countDown();
                boolean cancelled = request.await(60, TimeUnit.SECONDS);
                ended.add("verify, " + (cancelled && p.isCancelled() ? "cancelled" : "timed out"));
                return null;
            }, v -> { }, e -> { });
            runner.submit("Opening the cache", p -> {
                running.countDown();
                boolean released = openingMayEnd.await(60, TimeUnit.SECONDS); // does not look at p.isCancelled()
                ended.add("opening, " + (released ? "to its end" : "timed out")
                        + (Thread.currentThread().isInterrupted() ? ", interrupted" : ""));
                return null;
            }, v -> { }, e -> { });
            runner.submit("Removing demo", p -> {
                running.countDown();
                boolean released = removalMayEnd.await(60, TimeUnit.SECONDS);
                ended.add("removal, " + (released ? "to its end" : "timed out") + ", cancelled by the user: "
                        + p.isCancelledByUser() + ", closing: " + p.isCancelled());
                return null;
            }, v -> { }, e -> { });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

            List<String> said = new CopyOnWriteArrayList<>();
            CountDownLatch saidOpening = new CountDownLatch(1);
            closer = new Thread(() -> runner.stopAll(m -> {
                said.add(m);
                if (m.equals("Closing Custos: waiting for Opening the cache, Removing demo to stop …")) {
                    saidOpening.countDown();
                }
            }), "test-closing");
            closer.start();
            assertThat(saidOpening.await(30, TimeUnit.SECONDS)).as("said: %s", said).isTrue();
            closer.join(300);
            assertThat(closer.isAlive()).as("stopAll waits for the opening and the removal").isTrue();
            CountDownLatch later = new CountDownLatch(1);
            runner.submit("Later", p -> {
                later.countDown();
                return 1;
            }, v -> { }, e -> { });

            openingMayEnd.countDown();
            removalMayEnd.countDown();
            closer.join(30_000);
            assertThat(closer.isAlive()).isFalse();
            // (accepted, it would have run before the executor ended: an executor runs what it queued)
            assertThat(later.getCount()).as("nothing new starts while closing").isEqualTo(1);
            assertThat(ended).containsExactlyInAnyOrder("verify, cancelled", "opening, to its end", "removal, to its end, cancelled by the user: false, closing: true");
            assertThat(said).first().isEqualTo(
                    "Closing Custos: waiting for Opening the cache, Removing demo, Verifying the cache to stop …");
            assertThat(said).allMatch(m -> m.startsWith("Closing Custos: waiting for ") && m.endsWith(" to stop …"))
                    .doesNotHaveDuplicates();
        } finally {
            openingMayEnd.countDown();
            removalMayEnd.countDown();
            if (closer == null) {
                runner.stopAll(m -> { });
            }
        }
    }

    /** The user's own Cancel is told apart from closing, and reaches what the work waits in. */
    @Test
    void theUsersCancelReachesWhatTheWorkWaitsIn() throws Exception {
        FxTaskRunner runner = new FxTaskRunner();
        CountDownLatch waiting = new CountDownLatch(1);
        List<String> ended = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        TaskRunner.Handle h = runner.submit("Sending the outbox", p -> {
            CountDownLatch request = new CountDownLatch(1);
            p.onCancel(request::countDown);
            waiting.countDown();
            boolean cancelled = request.await(60, TimeUnit.SECONDS);
            ended.add("cancelled: " + cancelled + ", by the user: " + p.isCancelledByUser());
            p.onCancel(() -> ended.add("a later onCancel runs at once"));
            return null;
        }, v -> done.countDown(), e -> done.countDown());
        try {
            assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
            h.cancel();
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ended).containsExactly("cancelled: true, by the user: true", "a later onCancel runs at once");
        } finally {
            runner.stopAll(m -> { });
        }
    }
}
