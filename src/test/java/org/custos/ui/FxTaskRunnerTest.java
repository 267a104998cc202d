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
     * Closing: the work under way is told to stop at its next step, and waited for however long it takes — here an
     * opening of the cache that cannot stop midway — with what it waits for said by name; nothing is interrupted.
     */
    @Test
    void stopAllCancelsTheWorkUnderWayAndWaitsForAllOfItSayingWhatItWaitsFor() throws Exception {
        FxTaskRunner runner = new FxTaskRunner();
        CountDownLatch running = new CountDownLatch(3);
        CountDownLatch openingMayEnd = new CountDownLatch(1);
        List<String> ended = new CopyOnWriteArrayList<>();
        runner.submit("Verifying the cache", p -> {
            running.countDown();
            while (!p.isCancelled()) {
                Thread.onSpinWait();
            }
            ended.add("verify, cancelled");
            return null;
        }, v -> { }, e -> { });
        runner.submit(null, p -> { // not shown: a refresh
            running.countDown();
            while (!p.isCancelled()) {
                Thread.onSpinWait();
            }
            ended.add("refresh, cancelled");
            return null;
        }, v -> { }, e -> { });
        runner.submit("Opening the cache", p -> {
            running.countDown();
            boolean released = openingMayEnd.await(60, TimeUnit.SECONDS); // does not look at p.isCancelled()
            ended.add("opening, " + (released ? "to its end" : "timed out")
                    + (Thread.currentThread().isInterrupted() ? ", interrupted" : ""));
            return null;
        }, v -> { }, e -> { });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

        List<String> said = new CopyOnWriteArrayList<>();
        CountDownLatch saidOpening = new CountDownLatch(1);
        Thread closer = new Thread(() -> runner.stopAll(m -> {
            said.add(m);
            if (m.equals("Closing Custos: waiting for Opening the cache to stop …")) {
                saidOpening.countDown();
            }
        }), "test-closing");
        closer.start();
        assertThat(saidOpening.await(30, TimeUnit.SECONDS)).as("said: %s", said).isTrue();
        closer.join(300);
        assertThat(closer.isAlive()).as("stopAll waits for the opening").isTrue();
        assertThat(ended).containsExactlyInAnyOrder("verify, cancelled", "refresh, cancelled");

        openingMayEnd.countDown();
        closer.join(30_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(ended).containsExactlyInAnyOrder("verify, cancelled", "refresh, cancelled", "opening, to its end");
        assertThat(said).allMatch(m -> m.startsWith("Closing Custos: waiting for ") && m.endsWith(" to stop …"))
                .doesNotHaveDuplicates();
        AtomicBoolean touched = new AtomicBoolean();
        runner.submit("Later", p -> touched.getAndSet(true), v -> { }, e -> { });
        assertThat(touched).as("nothing starts after stopAll").isFalse();
    }
}
