package org.custos.app;

import javafx.scene.control.Button;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.custos.cache.Cache;
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
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The window says when opening the cache upgraded it (here: the filled V3 test cache). */
@ExtendWith(ApplicationExtension.class)
class CacheNoticeUiTest {
    @TempDir
    static Path dir;
    UiWindow ui;
    MainWindow window;

    @Start
    void start(Stage stage) {
        Path db = dir.resolve("old.mv.db");
        try (var in = new GZIPInputStream(CacheNoticeUiTest.class.getResourceAsStream("/caches/cache-v3.mv.db.gz"))) {
            Files.copy(in, db);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ui = UiWindow.show(stage, Cache.open(db), dir, 1000, 700);
        window = ui.window;
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
    }

    @Test
    void anUpgradedCacheIsSaidInADialog(FxRobot robot) throws Exception {
        UiWindow.waitUntil("the dialog shows", () -> !robot.lookup(".dialog-pane").queryAll().isEmpty());
        String text = robot.lookup(".dialog-pane .text-area").queryAs(TextArea.class).getText();
        assertThat(text).contains("The cache was upgraded from schema version 3 to");
        robot.lookup(".dialog-pane .button").queryAll().forEach(b -> robot.interact(((Button) b)::fire));
        // on a slow machine the line can take long (CI once timed out here at 30 s, not saying what it showed): up to
        // 60 s, and a timeout says what the line showed
        var line = window.model().cacheInfoProperty();
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> line.get().startsWith("2,007 AuditEvents cached"));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("The cache line did not count the upgraded cache's 2,007 events within 60 s; it "
                    + "shows \"" + line.get() + "\"", e);
        }
    }
}
