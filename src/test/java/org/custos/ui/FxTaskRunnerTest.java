package org.custos.ui;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class FxTaskRunnerTest {
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
}
