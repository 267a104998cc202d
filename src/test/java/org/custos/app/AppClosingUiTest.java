package org.custos.app;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.cache.CacheFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Closing from the window: it stays up, saying what takes the time, until the cache is closed; then the app exits. */
@ExtendWith(ApplicationExtension.class)
class AppClosingUiTest {
    @TempDir
    static Path dir;
    Scene scene;

    @Start
    void start(Stage stage) {
        scene = new Scene(new Label("the main window"), 700, 300);
        stage.setScene(scene);
        stage.show();
    }

    @Test
    void theWindowSaysTheCacheIsBeingCompactedAndTheAppExitsOnlyOnceItIsClosed(FxRobot robot) throws Exception {
        Path file = dir.resolve("bloated");
        try (Cache c = Cache.open(file)) {
            CacheFixtures.demoEvents(c, 200);
        }
        CacheFixtures.swell(file, null, 120); // far larger than it holds: closing compacts it
        Cache cache = Cache.open(file);
        long before = Files.size(cache.file());
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch exited = new CountDownLatch(1);
        AppClosing closing = new AppClosing(scene,
                () -> order.add("work stopped on the FX thread: " + Platform.isFxApplicationThread()),
                saying -> {
                    order.add("closing on the FX thread: " + Platform.isFxApplicationThread());
                    assertThat(cache.closeTidily(saying)).isTrue();
                    order.add("closed");
                },
                () -> {
                    order.add("exit on the FX thread: " + Platform.isFxApplicationThread());
                    exited.countDown();
                });
        robot.interact(closing::start);
        robot.interact(closing::start); // asked again while closing: nothing more happens

        assertThat(exited.await(60, TimeUnit.SECONDS)).isTrue();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(order).containsExactly("work stopped on the FX thread: true", "closing on the FX thread: false",
                "closed", "exit on the FX thread: true");
        assertThat(robot.lookup("#start-waiting-text").queryAs(Label.class).getText())
                .startsWith("Compacting the cache ").contains("bloated.mv.db (").endsWith("before Custos closes …");
        assertThat(Files.size(cache.file())).isLessThan(before / 4);
        assertThat(closing.startedAndFinished()).isTrue();
        try (Cache again = Cache.open(file)) {
            assertThat(again.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(200);
        }
    }

    @Test
    void aClosingThatFailsStillEndsTheApp(FxRobot robot) throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        AppClosing closing = new AppClosing(scene, () -> { }, saying -> {
            throw new IllegalStateException("the cache could not be closed");
        }, exited::countDown);
        assertThat(closing.startedAndFinished()).isFalse(); // not started: the app's stop() closes the caches
        robot.interact(closing::start);
        assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(closing.startedAndFinished()).isTrue();
    }

    @Test
    void workThatDoesNotStopLetsTheUserQuitWithoutWaitingAfterAWhile(FxRobot robot) throws Exception {
        CountDownLatch workEnds = new CountDownLatch(1);
        CountDownLatch quitNow = new CountDownLatch(1);
        CountDownLatch exited = new CountDownLatch(1);
        AppClosing closing = new AppClosing(scene, () -> { },
                sayThenWait("Closing Custos: waiting for Syncing a slow server to stop …", workEnds),
                exited::countDown, java.time.Duration.ofSeconds(3), quitNow::countDown);
        robot.interact(closing::start);
        assertThat(robot.lookup("#quit-without-waiting").tryQuery()).as("not at once").isEmpty();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup("#quit-without-waiting").tryQuery()
                .isPresent());
        assertThat(robot.lookup("#start-waiting-text").queryAs(Label.class).getText())
                .isEqualTo("Closing Custos: waiting for Syncing a slow server to stop …");
        robot.clickOn("#quit-without-waiting");
        assertThat(quitNow.await(30, TimeUnit.SECONDS)).isTrue();
        workEnds.countDown();
        assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closingThatEndsSoonOffersNoQuitWithoutWaiting(FxRobot robot) throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        AppClosing closing = new AppClosing(scene, () -> { }, saying -> { }, exited::countDown,
                java.time.Duration.ofMillis(500), () -> { throw new AssertionError("not offered"); });
        robot.interact(closing::start);
        assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
        waitOnTheFxClock(robot, 800);
        assertThat(robot.lookup("#quit-without-waiting").tryQuery()).isEmpty();
    }

    @Test
    void onceTheWorkHasStoppedTheCompactionIsNotOfferedToBeQuit(FxRobot robot) throws Exception {
        CountDownLatch compactionEnds = new CountDownLatch(1);
        CountDownLatch exited = new CountDownLatch(1);
        AppClosing closing = new AppClosing(scene, () -> { },
                sayThenWait("Compacting the cache x.mv.db (1,000 MB) before Custos closes …", compactionEnds),
                exited::countDown, java.time.Duration.ofMillis(300), () -> { throw new AssertionError("not offered"); });
        robot.interact(closing::start);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup("#start-waiting-text").queryAs(Label.class)
                .getText().startsWith("Compacting the cache"));
        waitOnTheFxClock(robot, 900);
        assertThat(robot.lookup("#quit-without-waiting").tryQuery()).isEmpty();
        compactionEnds.countDown();
        assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Closing's work: says {@code text}, then waits until {@code ends} (at most a minute). */
    private static java.util.function.Consumer<java.util.function.Consumer<String>> sayThenWait(String text,
                                                                                                CountDownLatch ends) {
        return saying -> {
            saying.accept(text);
            try {
                ends.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Waits {@code ms} on the FX thread's animation clock (what the button's own wait runs on). */
    private static void waitOnTheFxClock(FxRobot robot, int ms) throws InterruptedException {
        CountDownLatch later = new CountDownLatch(1);
        javafx.animation.PauseTransition after = new javafx.animation.PauseTransition(javafx.util.Duration.millis(ms));
        after.setOnFinished(e -> later.countDown());
        robot.interact(after::play);
        assertThat(later.await(30, TimeUnit.SECONDS)).isTrue();
    }
}
