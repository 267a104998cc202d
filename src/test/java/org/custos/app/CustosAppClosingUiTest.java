package org.custos.app;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.cache.CacheFixtures;
import org.custos.demo.DemoGenerator;
import org.custos.servers.CacheProtectionModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing through the app's own close handler ({@link CustosApp}, started on the test's stage with an exit that
 * leaves the toolkit up): the window stays up saying what closing waits for, the app exits only once its cache is
 * closed, and {@code stop()} returns only then.
 */
class CustosAppClosingUiTest {
    @TempDir
    Path dir;
    private final FxRobot robot = new FxRobot();
    private Stage stage;
    private CustosApp app;
    /** What the window showed from the close request on: the id of each root, the text of each waiting line. */
    private final List<String> shown = new CopyOnWriteArrayList<>();
    private final CountDownLatch exited = new CountDownLatch(1);
    /** At exit: the events in the cache, opened again (it is closed by then), or why it could not be. */
    private final AtomicReference<String> atExit = new AtomicReference<>();
    /** At exit: the windows showing besides the main one (a dialog popped up over the closing screen). */
    private final List<String> otherWindowsAtExit = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void plainCacheAndStaffWindow() throws Exception {
        Preferences settings = Preferences.userRoot().node("org/custos/settings");
        settings.remove(CacheProtectionModel.PREF);
        settings.remove(CustosApp.PATIENT_PROFILE);
        stage = FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void stopAndLeaveTheStage() throws Exception {
        if (app != null) {
            robot.interact(() -> {
                try {
                    app.stop(); // returns once the closing started from the window has ended
                } finally {
                    stage.setOnCloseRequest(null);
                    // the app sets its theme for the whole toolkit: the other tests' default (Modena) again
                    javafx.application.Application.setUserAgentStylesheet(null);
                }
            });
        }
    }

    /** Holds the opening of the cache until counted down (the opening test; the others pass at once). */
    private final CountDownLatch openingMayGoOn = new CountDownLatch(1);

    private void start(Path db, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--staff", "--db", db.toString()));
        args.addAll(List.of(more));
        app = new CustosApp(() -> {
            try (Cache again = Cache.open(db)) {
                atExit.set(again.audit().count(AuditFilter.ALL, Long.MAX_VALUE) + " events");
            } catch (RuntimeException e) {
                atExit.set("not closed: " + e.getMessage());
            }
            javafx.stage.Window.getWindows().stream().filter(w -> w != stage && w.isShowing())
                    .forEach(w -> otherWindowsAtExit.add(String.valueOf(w)));
            exited.countDown();
        }, args, () -> {
            try {
                openingMayGoOn.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        robot.interact(() -> app.start(stage));
    }

    /** On the FX thread: asks the window to close as its close button does, and notes what it shows from then. */
    private void closeTheWindow() {
        stage.getScene().rootProperty().addListener((o, a, root) -> {
            shown.add("root " + root.getId());
            Node line = root.lookup("#start-waiting-text");
            if (line instanceof Label l) {
                shown.add(l.getText());
                l.textProperty().addListener((x, y, text) -> shown.add(text));
            }
        });
        stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST));
    }

    @Test
    void closingWhileTheCacheStillOpensWaitsForTheOpeningClosesTheCacheAndNeverShowsTheMainWindow() throws Exception {
        Path db = dir.resolve("opening");
        try (Cache c = Cache.open(db)) {
            CacheFixtures.demoEvents(c, 200);
        }
        CacheFixtures.swell(db, null, 200); // far larger than it holds: the opening compacts it first
        start(db);
        // closed while the opening is held, then let go on: it compacts the cache and opens it meanwhile
        robot.interact(() -> {
            assertThat(stage.getScene().lookup("#start-waiting-text")).as("still opening").isNotNull();
            closeTheWindow();
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> shown.contains(
                "Closing Custos: waiting for Opening the cache to stop …"));
        openingMayGoOn.countDown();

        assertThat(exited.await(120, TimeUnit.SECONDS)).isTrue();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(atExit.get()).isEqualTo("200 events");
        assertThat(shown).first().isEqualTo("root start-waiting");
        assertThat(shown).filteredOn(s -> s.startsWith("root ")).as("only the closing screen").hasSize(1);
        assertThat(shown).contains("Closing Custos: waiting for Opening the cache to stop …");
        assertThat(otherWindowsAtExit).isEmpty();
    }

    @Test
    void closingDuringAnImportStopsItWaitsForItAndExitsOnceTheCacheIsClosed() throws Exception {
        Path file = dir.resolve("events.ndjson");
        new DemoGenerator(TestData.FHIR.context(), 7).write(file, 40_000);
        Path db = dir.resolve("importing");
        openingMayGoOn.countDown();
        start(db, file.toString());
        // the main window, and the import of the file given on the command line under way
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> stage.getScene().lookup("#statusLabel") instanceof Label l
                && l.getText().matches("Importing .*: [1-9][\\d,]* resources"));
        robot.interact(this::closeTheWindow);

        assertThat(exited.await(120, TimeUnit.SECONDS)).isTrue();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(shown).first().isEqualTo("root start-waiting");
        assertThat(shown).filteredOn(s -> s.startsWith("root ")).hasSize(1);
        // (the import may have stopped before closing looked: what is waited for is said by name in FxTaskRunnerTest)
        assertThat(shown.get(1)).startsWith("Closing Custos: waiting for ");
        assertThat(otherWindowsAtExit).as("no 'Import cancelled' dialog over the closing screen").isEmpty();
        long events = Long.parseLong(atExit.get().replace(" events", ""));
        assertThat(events).as("the import stopped at its next batch").isPositive().isLessThan(40_000);
        try (Cache again = Cache.open(db)) {
            assertThat(again.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
        }
    }
}
