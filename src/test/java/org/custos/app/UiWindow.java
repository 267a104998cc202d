package org.custos.app;

import javafx.scene.Scene;
import javafx.stage.Stage;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.SecretStore;
import org.custos.ui.FxTaskRunner;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

/** The main window as the UI tests show it: wired like the app, on a cache of the test's, with its own preferences. */
final class UiWindow implements AutoCloseable {
    final Cache cache;
    final FxTaskRunner tasks;
    final MainWindow window;
    final ProfileStore profiles;
    private final Preferences prefs;

    private UiWindow(Cache cache, FxTaskRunner tasks, MainWindow window, ProfileStore profiles, Preferences prefs) {
        this.cache = cache;
        this.tasks = tasks;
        this.window = window;
        this.profiles = profiles;
        this.prefs = prefs;
    }

    /** Shows the main window on {@code cache} (secrets under {@code dir}) and starts it, as the app does. */
    static UiWindow show(Stage stage, Cache cache, Path dir, int width, int height) {
        return show(stage, cache, dir, width, height, uri -> { });
    }

    /** As {@link #show(Stage, Cache, Path, int, int)}, the system browser played by {@code browser}. */
    static UiWindow show(Stage stage, Cache cache, Path dir, int width, int height,
                         java.util.function.Consumer<java.net.URI> browser) {
        FxTaskRunner tasks = new FxTaskRunner();
        Preferences prefs = Preferences.userRoot().node("custos-ui-test-" + System.nanoTime());
        ProfileStore profiles = new ProfileStore(prefs, new SecretStore(dir.resolve("secrets")));
        MainWindow window = MainWindow.assemble(cache, TestData.FHIR, tasks, CustosApp::demoData, ZoneOffset.UTC,
                profiles, prefs.node("settings"), browser);
        Scene scene = new Scene(window.view().root(), width, height);
        window.auditView().installShortcuts(scene);
        stage.setScene(scene);
        stage.show();
        window.model().start();
        window.servers().start();
        return new UiWindow(cache, tasks, window, profiles, prefs);
    }

    @Override
    public void close() throws Exception {
        window.servers().stop();
        tasks.shutdown();
        cache.close();
        prefs.removeNode();
    }

    /** Waits up to 60 s for a condition, failing with what was awaited. */
    static void waitUntil(String what, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, condition);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Timed out waiting until " + what, e);
        }
    }
}
