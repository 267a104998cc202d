package org.custos.app;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.consent.CheckData;
import org.custos.consent.ConsentCheck.Finding;
import org.custos.sync.Importer;
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
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Past access…" beside a consent: the accesses to the patient's data that the consent would have denied or cannot
 * decide are listed with the deciding rule, and one of them opens in the audit browser, selected.
 */
@ExtendWith(ApplicationExtension.class)
class ConsentCheckUiTest {
    @TempDir
    static Path dir;
    UiWindow ui;

    @Start
    void start(Stage stage) {
        ui = UiWindow.show(stage, Cache.open(dir.resolve("ui-" + System.nanoTime())), dir, 1280, 800);
    }

    @AfterEach
    void stop() throws Exception {
        new FxRobot().interact(() -> List.copyOf(Window.getWindows()).stream().filter(w -> w instanceof Stage s
                && s.getOwner() != null).forEach(w -> ((Stage) w).close()));
        ui.close();
    }

    private static Window checkWindow(FxRobot robot) {
        return robot.listTargetWindows().stream().filter(w -> w instanceof Stage s && s.getTitle() != null
                && s.getTitle().startsWith("Past access")).findFirst().orElse(null);
    }

    private static <T extends Node> T in(Window w, FxRobot robot, String id) {
        return robot.from(w.getScene().getRoot()).lookup((Predicate<Node>) n -> id.equals(n.getId())).query();
    }

    @Test
    @Timeout(120)
    void theDeniedAccessesAreListedAndOneOpensInTheAuditBrowser(FxRobot robot) throws Exception {
        Importer importer = new Importer(ui.cache, TestData.FHIR);
        importer.importFile(Path.of("src/test/resources/examples/stu3/consent/Consent-consent-example-Emergency.json"),
                Importer.SILENT);
        importer.importFile(CheckData.ndjson(dir.resolve("events-" + System.nanoTime() + ".ndjson"),
                CheckData.events()), Importer.SILENT);
        robot.clickOn("Consents");
        robot.interact(() -> ui.window.consents().search());
        UiWindow.waitUntil("listed", () -> ui.window.consents().rows().size() == 1);
        TableView<?> consents = robot.lookup("#consentTable").query();
        robot.interact(() -> consents.getSelectionModel().select(0));
        Button past = robot.lookup("#pastAccessButton").query();
        UiWindow.waitUntil("the button is enabled", () -> !past.isDisabled());
        robot.interact(past::fire);
        UiWindow.waitUntil("the window opens", () -> checkWindow(robot) != null);
        Window w = checkWindow(robot);
        assertThat(((Stage) w).getTitle()).isEqualTo("Past access — Patient/f001");
        Label summary = in(w, robot, "checkSummary");
        UiWindow.waitUntil("checked", () -> summary.getText().startsWith("5 accesses checked"));
        assertThat(summary.getText()).isEqualTo("5 accesses checked: 2 would have been denied, 2 undecidable, "
                + "1 permitted, 0 without a consent in force.");
        TableView<Finding> findings = in(w, robot, "findingTable");
        assertThat(findings.getItems()).extracting(f -> f.eventId() + " " + f.verdict().word())
                .containsExactly("e2 denied", "e3 undecidable", "e4 undecidable", "e5 denied");
        assertThat(findings.getItems().get(0).rule()).startsWith("Consent.except[1]: deny");

        robot.interact(() -> findings.getSelectionModel().select(0));
        Button show = in(w, robot, "showEventButton");
        robot.interact(show::fire);
        TabPane tabs = robot.lookup("#tabs").query();
        UiWindow.waitUntil("the audit browser shows", () -> tabs.getSelectionModel().getSelectedIndex() == 0);
        TableView<?> events = robot.lookup("#table").query();
        UiWindow.waitUntil("the event is selected", () -> events.getSelectionModel().getSelectedIndex() >= 0
                && ui.window.model().audit().pkAt(events.getSelectionModel().getSelectedIndex())
                == findings.getItems().get(0).pk());
        // filtered to the event's origin and day: e2 is the only event of 2 May 2020
        assertThat(events.getItems()).hasSize(1);
    }
}
