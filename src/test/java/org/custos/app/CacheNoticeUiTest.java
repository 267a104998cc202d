package org.custos.app;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.ui.FxTaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The window says when opening the cache upgraded it (here: the filled V3 test cache). */
@ExtendWith(ApplicationExtension.class)
class CacheNoticeUiTest {
    @TempDir
    static Path dir;
    Cache cache;
    FxTaskRunner tasks;
    MainWindow window;
    java.util.prefs.Preferences prefs;

    @Start
    void start(Stage stage) {
        Path db = dir.resolve("old.mv.db");
        try (var in = new GZIPInputStream(CacheNoticeUiTest.class.getResourceAsStream("/caches/cache-v3.mv.db.gz"))) {
            Files.copy(in, db);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cache = Cache.open(db);
        tasks = new FxTaskRunner();
        prefs = java.util.prefs.Preferences.userRoot().node("custos-notice-test-" + System.nanoTime());
        window = MainWindow.assemble(cache, TestData.FHIR, tasks, CustosApp::demoData, ZoneOffset.UTC,
                new org.custos.fhir.ProfileStore(prefs, new org.custos.fhir.SecretStore(dir.resolve("secrets"))));
        stage.setScene(new Scene(window.view().root(), 1000, 700));
        stage.show();
        window.model().start();
        window.servers().start();
    }

    @AfterEach
    void stop() throws Exception {
        window.servers().stop();
        tasks.shutdown();
        cache.close();
        prefs.removeNode();
    }

    @Test
    void anUpgradedCacheIsSaidInADialog(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !robot.lookup(".dialog-pane").queryAll().isEmpty());
        String text = robot.lookup(".dialog-pane .text-area").queryAs(TextArea.class).getText();
        assertThat(text).contains("The cache was upgraded from schema version 3 to");
        robot.lookup(".dialog-pane .button").queryAll().forEach(b -> robot.interact(((Button) b)::fire));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> window.model().cacheInfoProperty().get().startsWith("2,007 AuditEvents cached"));
    }
}
