package org.custos.app;

import javafx.scene.Node;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.custos.cache.Cache;
import org.custos.review.AccessData;
import org.custos.review.AccessReport.AccessEvent;
import org.custos.review.AccessReport.AccessUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Patient access tab: a patient picked from the directory's suggestions shows who accessed the record (two
 * origins: the choice is offered), a bar of the timeline clicked filters the tables to its day, and an event
 * double-clicked opens in the audit browser, selected.
 */
@ExtendWith(ApplicationExtension.class)
class PatientAccessUiTest {
    @TempDir
    static Path dir;
    UiWindow ui;

    @Start
    void start(Stage stage) {
        ui = UiWindow.show(stage, Cache.open(dir.resolve("ui-" + System.nanoTime())), dir, 1280, 800);
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
    }

    /** The node of a non-empty segment of the bar of this label, read on the FX thread; null when not drawn (yet). */
    private static Node barOf(StackedBarChart<String, Number> chart, String label) throws Exception {
        return org.testfx.util.WaitForAsyncUtils.asyncFx(() -> chart.getData().stream()
                .flatMap(s -> s.getData().stream())
                .filter(d -> d.getXValue().equals(label) && d.getYValue().longValue() > 0 && d.getNode() != null
                        && d.getNode().getScene() != null)
                .map(XYChart.Data::getNode).findFirst().orElse(null)).get();
    }

    @Test
    @Timeout(120)
    void pickAPatientSeeTheUsersFilterByABarAndOpenAnEvent(FxRobot robot) throws Exception {
        AccessData.importAll(ui.cache, dir);
        robot.clickOn("Patient access");

        // typed: the directory offers the patient; the offer is clicked
        robot.clickOn("#accessPatientField").write("Pat On");
        UiWindow.waitUntil("the patient is offered", () -> robot.lookup(".auto-complete-popup .list-cell")
                .queryAll().stream().anyMatch(n -> n instanceof javafx.scene.control.ListCell<?> c
                        && c.getItem() != null && c.getItem().toString().startsWith("Pat One · Patient/p1")));
        Node offer = robot.lookup(".auto-complete-popup .list-cell").queryAll().stream()
                .filter(n -> n instanceof javafx.scene.control.ListCell<?> c && c.getItem() != null
                        && c.getItem().toString().startsWith("Pat One")).findFirst().orElseThrow();
        robot.clickOn(offer);

        TableView<AccessUser> users = robot.lookup("#userTable").query();
        UiWindow.waitUntil("the users are listed", () -> users.getItems().size() == 5);
        assertThat(users.getItems()).extracting(AccessUser::name).containsExactly("Ann Directory", "carol",
                "(no agent recorded)", "Bob Events", "Night Clerk");
        assertThat(users.getItems().get(0).breakTheGlass()).isEqualTo(1);
        Label title = robot.lookup("#accessTitle").query();
        assertThat(title.getText()).isEqualTo("Pat One — Patient/p1 · files");
        Label summary = robot.lookup("#accessSummary").query();
        assertThat(summary.getText()).startsWith("9 accesses by 5 users from 2026-03-01 to 2026-03-06");
        // the patient is also in another origin: offered, not mixed in
        ComboBox<?> origins = robot.lookup("#candidateBox").query();
        assertThat(origins.isVisible()).isTrue();
        assertThat(origins.getItems()).hasSize(2);

        // a bar clicked: the tables list that day only
        StackedBarChart<String, Number> chart = robot.lookup("#timelineChart").query();
        UiWindow.waitUntil("the bar of 5 March is drawn", () -> barOf(chart, "2026-03-05") != null);
        Node bar = barOf(chart, "2026-03-05");
        robot.clickOn(bar);
        Label filter = robot.lookup("#filterLabel").query();
        UiWindow.waitUntil("filtered", () -> filter.getText().equals("Only 2026-03-05: 2 of 9 accesses"));
        assertThat(users.getItems()).extracting(AccessUser::key).containsExactly("dr-ann", "Night Clerk");
        TableView<AccessEvent> events = robot.lookup("#accessEventTable").query();
        assertThat(events.getItems()).extracting(AccessEvent::id).containsExactly("n1", "a3");

        // the break-the-glass access double-clicked: the audit browser shows it, selected
        AccessEvent a3 = events.getItems().get(1);
        @SuppressWarnings("unchecked")
        TableRow<AccessEvent> row = (TableRow<AccessEvent>) robot.from(events).lookup(".table-row-cell").queryAll()
                .stream().filter(n -> n instanceof TableRow<?> r && r.getItem() == a3).findFirst().orElseThrow();
        robot.doubleClickOn(row);
        TabPane tabs = robot.lookup("#tabs").query();
        UiWindow.waitUntil("the audit browser shows", () -> tabs.getSelectionModel().getSelectedIndex() == 0);
        TableView<?> audit = robot.lookup("#table").query();
        UiWindow.waitUntil("the event is selected", () -> audit.getSelectionModel().getSelectedIndex() >= 0
                && ui.window.model().audit().pkAt(audit.getSelectionModel().getSelectedIndex()) == a3.pk());

        // back: "All days" lists every day again
        robot.clickOn("Patient access");
        robot.clickOn("#clearFilterButton");
        UiWindow.waitUntil("every day again", () -> users.getItems().size() == 5 && filter.getText().isEmpty());
        // Enter on a typed identifier the directory does not know: still found
        robot.doubleClickOn("#accessPatientField").eraseText(20).write("X-99").type(KeyCode.ENTER);
        UiWindow.waitUntil("the identifier's events", () -> events.getItems().size() == 1
                && events.getItems().get(0).id().equals("x1"));
        assertThat(title.getText()).isEqualTo("identifier X-99 · files");
        assertThat(origins.isVisible()).isFalse();
        assertThat(robot.lookup(".auto-complete-popup").queryAll().stream().filter(Node::isVisible)
                .filter(n -> n instanceof ListView<?>).count()).isZero();
        // each look is in Custos's own trail, about the patient looked at; the view itself leaves the trail out
        List<org.custos.cache.AuditSummary> own = ui.cache.audit().page(org.custos.cache.AuditFilter.ALL
                .withOrigin(org.custos.cache.Origins.SELF_NAME), null, true, 1000);
        assertThat(own).extracting(org.custos.cache.AuditSummary::patients).contains("Patient/p1", "X-99"); // the identifier as the user gave it
        assertThat(own.stream().filter(e -> e.type().equals("Query")).count()).isGreaterThanOrEqualTo(4);
    }
}
