package org.custos.app;

import org.custos.cache.AlertList;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.stage.Stage;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.review.AlertQueueViewModel;
import org.custos.rules.AlertEngine;
import org.custos.rules.Events;
import org.custos.rules.RuleSettings;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Alerts tab on a log with planted cases: the alerts are listed, a decision (status, assignee) and a note are kept
 * in the cache, and an alert's event opens in the audit browser.
 */
@ExtendWith(ApplicationExtension.class)
class AlertQueueUiTest {
    @TempDir
    static Path dir;
    UiWindow ui;

    @Start
    void start(Stage stage) {
        Cache cache = Cache.open(dir.resolve("ui-" + System.nanoTime()));
        new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC).apply(RuleSettings.defaults(ZoneOffset.UTC),
                () -> false, n -> { });
        ui = UiWindow.show(stage, cache, dir, 1280, 800);
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
    }

    @Test
    @Timeout(120)
    void theQueueListsDecidesAndOpensAnEvent(FxRobot robot) throws Exception {
        Path f = Files.writeString(dir.resolve("events-" + System.nanoTime() + ".ndjson"), List.of(
                Events.event("night", "2026-03-04T22:00:00Z").user("owl", "Ozzy Owl").patient("Patient/p1", null),
                Events.event("btg", "2026-03-05T10:00:00Z").user("er", "Eve Er").patient("Patient/p3", null)
                        .purposeOfEvent("BTG"),
                Events.event("day", "2026-03-05T11:00:00Z").user("er", "Eve Er").patient("Patient/p3", null))
                .stream().map(Events::json).collect(Collectors.joining("\n")));
        new Importer(ui.cache, TestData.FHIR).importFile(f, Importer.SILENT);
        AlertQueueViewModel vm = ui.window.alerts().queue();
        robot.clickOn("Alerts");
        robot.interact(vm::search);
        UiWindow.waitUntil("two alerts listed", () -> vm.rows().size() == 2);
        TableView<AlertQueueViewModel.Item> table = robot.lookup("#alertTable").query();
        assertThat(table.getItems()).extracting(i -> i.rule() + " " + i.user() + " " + i.patient() + " " + i.status())
                .containsExactly("break-glass er Patient/p3 new", "after-hours owl Patient/p1 new");
        robot.interact(() -> table.getSelectionModel().select(1));
        TableView<AlertQueueViewModel.EventItem> events = robot.lookup("#alertEventTable").query();
        UiWindow.waitUntil("its event is listed", () -> events.getItems().size() == 1);
        ComboBox<AlertQueueViewModel.Status> status = robot.lookup("#alertStatusBox").query();
        TextField assignee = robot.lookup("#alertAssigneeField").query();
        robot.interact(() -> {
            status.setValue(AlertQueueViewModel.Status.ESCALATED);
            assignee.setText("bob");
        });
        Button save = robot.lookup("#alertSaveButton").query();
        robot.interact(save::fire);
        long id = vm.rows().get(1).row().id();
        UiWindow.waitUntil("the decision is kept", () -> "Saved.".equals(vm.message().get()));
        assertThat(ui.cache.alertList().get(id).map(AlertList.AlertRow::status)).contains("escalated");
        assertThat(ui.cache.alertList().get(id).orElseThrow().assignee()).isEqualTo("bob");
        TextArea note = robot.lookup("#alertNoteArea").query();
        robot.interact(() -> note.setText("No night shift that week."));
        Button add = robot.lookup("#alertNoteButton").query();
        robot.interact(add::fire);
        UiWindow.waitUntil("the note shows", () -> vm.notes().stream().anyMatch(n -> n.endsWith(
                "No night shift that week.")));
        assertThat(ui.cache.review().alertNotes(id)).extracting(n -> n.kind()).containsExactly("status", "assignee",
                "note");
        // the status filter: escalated alerts stay open, the list follows the decision
        UiWindow.waitUntil("the row shows the decision", () -> vm.rows().stream().anyMatch(i -> i.row().id() == id
                && i.status().equals("escalated")));

        robot.interact(() -> {
            var cell = events.lookupAll(".table-row-cell").stream().filter(n -> n instanceof javafx.scene.control
                    .TableRow<?> r && !r.isEmpty()).findFirst().orElseThrow();
            cell.fireEvent(new MouseEvent(MouseEvent.MOUSE_CLICKED, 0, 0, 0, 0, MouseButton.PRIMARY, 2, false, false,
                    false, false, true, false, false, true, false, false, null));
        });
        WaitForAsyncUtils.waitForFxEvents();
        TabPane tabs = robot.lookup("#tabs").query();
        UiWindow.waitUntil("the audit browser shows", () -> tabs.getSelectionModel().getSelectedIndex() == 0);
        TableView<?> audit = robot.lookup("#table").query();
        UiWindow.waitUntil("the event is selected", () -> audit.getSelectionModel().getSelectedIndex() >= 0
                && ui.window.model().audit().pkAt(audit.getSelectionModel().getSelectedIndex())
                == events.getItems().get(0).pk());
        // every look and decision is in Custos's own trail, and the browser leaves the trail out
        UiWindow.waitUntil("the opened event is in the trail", () -> trail().contains("audit event opened (origin "
                + "files)"));
        assertThat(trail()).contains("alert opened in the review queue", "alert status set to escalated",
                "alert assigned to bob", "note added to the alert", "audit browser search");
        assertThat(ui.cache.audit().count(org.custos.cache.AuditFilter.ALL, 1000)).isEqualTo(3);
    }

    private List<String> trail() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> out = new java.util.ArrayList<>();
        for (var s : ui.cache.audit().page(org.custos.cache.AuditFilter.ALL.withOrigin(
                org.custos.cache.Origins.SELF_NAME), null, true, 1000)) {
            out.add(m.readTree(ui.cache.audit().raw(s.pk()).orElseThrow()).path("outcomeDesc").asText());
        }
        return out;
    }
}
