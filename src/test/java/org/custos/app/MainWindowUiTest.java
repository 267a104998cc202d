package org.custos.app;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The main window, headless: demo data on an empty cache, filtering, opening an event, the quarantine. */
@ExtendWith(ApplicationExtension.class)
class MainWindowUiTest {
    @TempDir
    static Path dir;
    UiWindow ui;
    Cache cache;
    MainWindow window;

    @Start
    void start(Stage stage) {
        ui = UiWindow.show(stage, Cache.open(dir.resolve("ui-" + System.nanoTime())), dir, 1280, 800);
        cache = ui.cache;
        window = ui.window;
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
    }

    private static void waitUntil(String what, java.util.concurrent.Callable<Boolean> condition) {
        UiWindow.waitUntil(what, condition);
    }

    private void closeDialogs(FxRobot robot) {
        robot.lookup(".dialog-pane .button").queryAll().forEach(b -> robot.interact(((Button) b)::fire));
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void quitAsksTheWindowToCloseAsItsCloseButtonDoes(FxRobot robot) {
        Stage stage = (Stage) window.view().root().getScene().getWindow();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        robot.interact(() -> stage.setOnCloseRequest(e -> {
            e.consume(); // as the app's handler does: it closes the caches first, then ends the app
            asked.incrementAndGet();
        }));
        robot.interact(() -> window.view().quit());
        assertThat(asked).hasValue(1);
        assertThat(stage.isShowing()).isTrue();
    }

    @Test
    void exploreDemoDataFilterAndOpenAnEvent(FxRobot robot) {
        // an empty cache offers the demo data
        waitUntil("the empty state shows", () -> robot.lookup("#exploreDemoButton").tryQuery().isPresent()
                && robot.lookup("#exploreDemoButton").query().isVisible());
        robot.clickOn("#exploreDemoButton");
        Label match = robot.lookup(".match-count").queryAs(Label.class);
        waitUntil("6,000 events are listed", () -> "6,000 events".equals(match.getText()));
        closeDialogs(robot);
        TableView<AuditSummary> table = robot.lookup("#table").queryTableView();
        assertThat(table.getItems()).hasSize(6000);

        // break-the-glass: filter by purpose of event, Enter applies
        robot.clickOn("#purposeField").write("BTG").type(KeyCode.ENTER);
        long btg = cache.audit().count(AuditFilter.ALL.withPurpose("BTG"), Long.MAX_VALUE);
        assertThat(btg).isPositive();
        waitUntil("the BTG events are counted", () -> match.getText().equals(btg + " events")
                || match.getText().equals(btg == 1 ? "1 event" : ""));

        // open the first one: the detail tree and the raw tabs fill
        robot.clickOn(robot.lookup("#table .table-row-cell").nth(0).queryAs(javafx.scene.Node.class));
        TreeTableView<?> tree = robot.lookup("#detailTree").queryAs(TreeTableView.class);
        TextArea json = robot.lookup("#jsonArea").queryAs(TextArea.class);
        TextArea xml = robot.lookup("#xmlArea").queryAs(TextArea.class);
        waitUntil("the detail shows", () -> tree.getRoot() != null && json.getText().contains("\"BTG\"")
                && xml.getText().contains("<AuditEvent"));
        WaitForAsyncUtils.waitForFxEvents();
        String firstJson = json.getText();

        // keyboard: the next row opens the next event
        if (btg > 1) {
            robot.type(KeyCode.DOWN);
            waitUntil("the next event shows", () -> !json.getText().equals(firstJson) && !json.getText().isEmpty());
            assertThat(table.getSelectionModel().getSelectedIndex()).isEqualTo(1);
        }

        // Clear shows everything again
        robot.clickOn("#clearButton");
        waitUntil("all events again", () -> "6,000 events".equals(match.getText()));
    }

    @Test
    void unreadableFilesAreQuarantinedAndShown(FxRobot robot) throws IOException {
        Path bad = dir.resolve("broken.ndjson");
        Files.writeString(bad, "{\"resourceType\":\"AuditEvent\",\"id\":\"ok1\",\"recorded\":\"2025-01-01T00:00:00Z\"}\n"
                + "{ not json\n");
        robot.interact(() -> window.model().importFiles(List.of(bad)));
        waitUntil("the quarantine tab counts it", () -> window.model().quarantine().titleProperty().get()
                .equals("Quarantine (1)"));
        closeDialogs(robot);
        robot.clickOn("Quarantine (1)");
        TableView<?> q = robot.lookup("#quarantineTable").queryTableView();
        assertThat(q.getItems()).hasSize(1);
        assertThat(q.getItems().get(0).toString()).contains("line 2").contains("Not valid JSON");
        Label match = robot.lookup(".match-count").queryAs(Label.class);
        waitUntil("the readable event is there", () -> "1 event".equals(match.getText()));
    }

    @Test
    @ExtendWith(FhirServerExtension.class)
    void addAServerTestItSyncAndBrowseTheEvents(FxRobot robot, LocalFhirServer server) {
        server.purge();
        server.postAuditEvents(64, 77);

        robot.clickOn("Servers and sync");
        TextField url = robot.lookup("#urlField").queryAs(TextField.class);
        waitUntil("a new profile is offered", () -> url.getText().equals("http://127.0.0.1:8091/fhir"));
        robot.doubleClickOn("#nameField").eraseText(40).write("Local test server");
        robot.interact(url::clear);
        robot.clickOn(url).write(server.baseUrl());
        robot.clickOn("#saveButton");
        ListView<?> profiles = robot.lookup("#profileList").queryAs(ListView.class);
        waitUntil("the profile is listed", () -> profiles.getItems().contains("Local test server"));

        robot.clickOn("#testButton");
        Label check = robot.lookup("#checkLabel").queryAs(Label.class);
        waitUntil("the connection test answers", () -> check.getText().startsWith("✔"));
        assertThat(check.getText()).contains("FHIR 3.0").contains("64 on the server");

        robot.clickOn("#syncButton");
        Label message = robot.lookup("#messageLabel").queryAs(Label.class);
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> message.getText().contains("completed"));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Timed out waiting until the sync completes; the message says: "
                    + message.getText(), e);
        }
        TableView<?> types = robot.lookup("#typeTable").queryTableView();
        assertThat(types.getItems()).hasSize(org.custos.fhir.ServerProfile.SYNC_TYPES.size());

        robot.clickOn("Audit events");
        Label match = robot.lookup(".match-count").queryAs(Label.class);
        waitUntil("the synced events are in the browser", () -> "64 events".equals(match.getText()));
    }
}
