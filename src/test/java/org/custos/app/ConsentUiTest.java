package org.custos.app;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.consent.ConsentListViewModel;
import org.custos.fhir.ServerProfile;
import org.custos.sync.Importer;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.TcpRelay;
import org.custos.testserver.TestConsents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consent screens as a person uses them, against the real HAPI JPA server: find a patient by name, create an
 * "all except" consent from a template, add an except rule, validate (errors at their fields block the save), save;
 * edit it while the server is unreachable and see it sent later; meet the conflict screen when the server changed.
 */
@ExtendWith({ApplicationExtension.class, FhirServerExtension.class})
class ConsentUiTest {
    @TempDir
    static Path dir;
    UiWindow ui;
    Cache cache;

    @Start
    void start(Stage stage) {
        ui = UiWindow.show(stage, Cache.open(dir.resolve("ui-" + System.nanoTime())), dir, 1280, 800);
        cache = ui.cache;
    }

    @AfterEach
    void stop() throws Exception {
        // editors, questions and conflict screens this test opened go, so the next UI test starts clean
        FxRobot robot = new FxRobot();
        robot.interact(() -> List.copyOf(Window.getWindows()).stream().filter(w -> w instanceof Stage s
                && s.getOwner() != null).forEach(w -> ((Stage) w).close()));
        ui.close();
    }

    private static boolean onScreen(Node n) {
        return n.isVisible() && n.getScene() != null && n.getScene().getWindow() != null
                && n.getScene().getWindow().isShowing();
    }

    private static boolean showing(FxRobot robot, String text) {
        return robot.lookup(text).match(ConsentUiTest::onScreen).tryQuery().isPresent();
    }

    private static <T extends Node> T find(FxRobot robot, String id) {
        return robot.lookup((Predicate<Node>) n -> id.equals(n.getId())).query();
    }

    private static Window editorWindow(FxRobot robot) {
        return robot.listTargetWindows().stream().filter(w -> w instanceof Stage s && s.getTitle() != null
                && s.getTitle().startsWith("Consent ")).findFirst().orElse(null);
    }

    private static <T extends Node> T inEditor(FxRobot robot, String id) {
        return robot.from(editorWindow(robot).getScene().getRoot()).lookup((Predicate<Node>) n -> id.equals(n.getId()))
                .query();
    }

    @Test
    @org.junit.jupiter.api.Timeout(240)
    void findCreateFromTemplateAddARuleValidateSaveEditOfflineAndMeetAConflict(FxRobot robot, LocalFhirServer server)
            throws Exception {
        new Importer(cache, TestData.FHIR).importFile(Path.of("src/test/resources/people/people-bundle.json"),
                Importer.SILENT);
        try (TcpRelay relay = new TcpRelay(server.port())) {
            relay.up();
            ui.profiles.save(ServerProfile.of("Test hospital", relay.baseUrl())
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30)));
            robot.interact(() -> ui.window.startConsents(ui.tasks));
            robot.clickOn("Consents");

            // find a patient by name: the completion offers the directory's people
            TextField patient = find(robot, "consentPatientField");
            robot.interact(() -> patient.setText("heuvel"));
            // (the completion's popup is ControlsFX's: the test takes the offer the view model makes it)
            UiWindow.waitUntil("the name is offered", () -> ui.window.consents().suggest("heuvel").stream()
                    .anyMatch(x -> x.reference().equals("Patient/f001") && x.display().contains("Heuvel")));
            robot.interact(() -> ui.window.consents().pickPatient(ui.window.consents().suggest("heuvel").stream()
                    .filter(x -> x.reference().equals("Patient/f001")).findFirst().orElseThrow()));
            UiWindow.waitUntil("the patient is chosen", () -> "Patient/f001".equals(patient.getText()));
            Label count = find(robot, "consentCount");
            UiWindow.waitUntil("the list is for that patient", () -> count.getText().contains("Patient/f001"));

            // a new "share all except with …" consent for them, from the template menu
            MenuButton menu = find(robot, "newConsentButton");
            UiWindow.waitUntil("the server is known as a target", () -> !ui.window.consents().targets().isEmpty());
            MenuItem allExcept = menu.getItems().stream().filter(m -> m.getText().startsWith("Share all except with"))
                    .findFirst().orElseThrow();
            robot.interact(allExcept::fire);
            UiWindow.waitUntil("the editor opens", () -> editorWindow(robot) != null);
            TextField patientRef = inEditor(robot, "Consent.patient.reference");
            assertThat(patientRef.getText()).isEqualTo("Patient/f001");

            // add a second except rule: deny for a purpose
            Button addRule = inEditor(robot, "add:Consent.except");   // (down the scrolled form)
            robot.interact(addRule::fire);
            UiWindow.waitUntil("the rule is added", () -> inEditor(robot, "Consent.except[1].type") != null);
            ComboBox<String> type = inEditor(robot, "Consent.except[1].type");
            robot.interact(() -> type.setValue("deny"));

            // validate: the template's blank actor (and nothing else) is an error at its field; save is blocked
            robot.clickOn((Node) inEditor(robot, "validateButton"));
            Label message = inEditor(robot, "editorMessage");
            UiWindow.waitUntil("validated", () -> message.getText().contains("error"));
            ListView<?> findings = inEditor(robot, "findingsList");
            assertThat(findings.getItems()).isNotEmpty();
            assertThat(findings.getItems().toString()).contains("Consent.except[0]");

            // fill in who the data must not go to, with the name completion, then save
            TextField who = inEditor(robot, "Consent.except[0].actor[0].reference.reference");
            robot.interact(() -> who.setText("Practitioner/f007"));
            robot.clickOn((Node) inEditor(robot, "saveButton"));
            UiWindow.waitUntil("saved on the server", () -> message.getText().startsWith("Saved: version 1"));
            String id = editorWindow(robot) instanceof Stage s ? s.getTitle().split(" ")[1] : null;
            assertThat(TestConsents.current(server, id).getExceptFirstRep().getActorFirstRep().getReference()
                    .getReference()).isEqualTo("Practitioner/f007");
            assertThat(TestConsents.current(server, id).getExcept()).hasSize(2);

            // offline: the edit waits in the outbox, shown as pending, and is sent when the server is back
            relay.down();
            TextField policy = inEditor(robot, "Consent.policyRule");
            robot.interact(() -> policy.setText("http://hl7.org/fhir/ConsentPolicy/opt-in"));
            ComboBox<String> status = inEditor(robot, "Consent.status");
            robot.interact(() -> status.setValue("active"));
            robot.clickOn((Node) inEditor(robot, "saveButton"));
            UiWindow.waitUntil("kept in the outbox", () -> message.getText().startsWith("Pending"));
            Label outbox = find(robot, "outboxLabel");
            robot.interact(() -> ui.window.consents().search());
            UiWindow.waitUntil("the list says an edit waits", () -> outbox.getText().contains("1 edit(s) waiting"));
            assertThat(TestConsents.current(server, id).getStatus().toCode()).isEqualTo("draft");
            relay.up();
            robot.interact(() -> ui.window.consents().sendPending());
            UiWindow.waitUntil("sent once the server is back", () -> outbox.getText().isEmpty());
            assertThat(TestConsents.current(server, id).getStatus().toCode()).isEqualTo("active");
            assertThat(TestConsents.current(server, id).getMeta().getVersionId()).isEqualTo("2");

            // the same editor goes on: its next save goes on top of the version its queued edit got
            robot.interact(() -> status.setValue("proposed"));
            robot.clickOn((Node) inEditor(robot, "saveButton"));
            UiWindow.waitUntil("saved on top", () -> message.getText().startsWith("Saved: version 3"));

            // someone else changes it on the server meanwhile; the next save meets the conflict screen
            // (every patient's consents: the picked patient is the import's Patient/f001, the consent is the server's)
            robot.interact(() -> ui.window.consents().allPatients());
            UiWindow.waitUntil("the list shows the saved version", () -> ui.window.consents().rows().stream()
                    .anyMatch(r -> r.id().equals(id) && "3".equals(r.versionId())));
            robot.interact(() -> ((Stage) editorWindow(robot)).close());
            UiWindow.waitUntil("the editor closed", () -> editorWindow(robot) == null);
            TestConsents.putDirectly(server, id, "changed-elsewhere");
            robot.interact(() -> ui.window.consents().search());
            UiWindow.waitUntil("listed again", () -> ui.window.consents().rows().stream()
                    .anyMatch(r -> r.id().equals(id) && "3".equals(r.versionId())));
            robot.interact(() -> ui.window.consents().open(ui.window.consents().rows().stream()
                    .filter(r -> r.id().equals(id)).findFirst().orElseThrow()));
            UiWindow.waitUntil("the editor opens again", () -> editorWindow(robot) != null);
            // its Changes tab lists the server's history too (read when the tab is looked at): version 4 was
            // written there, not synced
            javafx.scene.control.TabPane tabs = inEditor(robot, "meaningTabs");
            robot.interact(() -> tabs.getSelectionModel().select(tabs.getTabs().stream()
                    .filter(t -> "meaningChangesTab".equals(t.getId())).findFirst().orElseThrow()));
            ListView<?> versions = inEditor(robot, "meaningVersionList");
            UiWindow.waitUntil("the server's history is listed", () -> versions.getItems().stream().map(
                    Object::toString).anyMatch(l -> l.startsWith("Version 4 · ") && l.endsWith(
                    "from the server's history (not in the cache)")));
            assertThat(((Label) inEditor(robot, "meaningHistoryNote")).getText())
                    .isEqualTo("With the server's history (4 versions).");
            ComboBox<String> status2 = inEditor(robot, "Consent.status");
            robot.interact(() -> status2.setValue("inactive"));
            robot.clickOn((Node) inEditor(robot, "saveButton"));
            UiWindow.waitUntil("the conflict screen opens", () -> robot.listTargetWindows().stream()
                    .anyMatch(w -> w instanceof Stage s && "Version conflict".equals(s.getTitle())));
            // the window is listed while show() still builds its skins (a SplitPane's items join the scene graph
            // only then): wait for the table instead of looking once
            UiWindow.waitUntil("the differences are on screen", () -> robot.lookup(
                    (Predicate<Node>) n -> "differencesTable".equals(n.getId())).tryQuery().isPresent());
            TableView<?> differences = find(robot, "differencesTable");
            assertThat(differences.getItems()).isNotEmpty();
            assertThat(TestConsents.current(server, id).getMeta().getVersionId()).as("nothing written").isEqualTo("4");
            robot.clickOn((Node) find(robot, "mineButton"));
            Label message2 = inEditor(robot, "editorMessage");
            UiWindow.waitUntil("kept mine on top", () -> message2.getText().startsWith("Saved: version 5"));
            assertThat(TestConsents.current(server, id).getStatus().toCode()).isEqualTo("inactive");
            robot.interact(() -> ((Stage) editorWindow(robot)).close());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void closingAnEditorWithUnsavedChangesAsksFirst(FxRobot robot) {
        new Importer(cache, TestData.FHIR).importFile(
                Path.of("src/test/resources/examples/stu3/consent/Consent-consent-example-basic.json"), Importer.SILENT);
        robot.interact(() -> ui.window.consents().search());
        robot.clickOn("Consents");
        UiWindow.waitUntil("listed", () -> ui.window.consents().rows().size() == 1);
        robot.interact(() -> ui.window.consents().open(ui.window.consents().rows().get(0)));
        UiWindow.waitUntil("the editor opens", () -> editorWindow(robot) != null);
        ComboBox<String> status = inEditor(robot, "Consent.status");
        robot.interact(() -> status.setValue("inactive"));
        Window editor = editorWindow(robot);
        // no wait: the question is a nested event loop on the FX thread
        javafx.application.Platform.runLater(() -> editor.fireEvent(new javafx.stage.WindowEvent(editor,
                javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
        UiWindow.waitUntil("it asks", () -> showing(robot, "Keep editing"));
        robot.clickOn(robot.lookup("Keep editing").match(ConsentUiTest::onScreen).<Node>query());
        assertThat(editor.isShowing()).isTrue();
        // no wait: the question is a nested event loop on the FX thread
        javafx.application.Platform.runLater(() -> editor.fireEvent(new javafx.stage.WindowEvent(editor,
                javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
        UiWindow.waitUntil("it asks again", () -> showing(robot, "Discard changes"));
        robot.clickOn(robot.lookup("Discard changes").match(ConsentUiTest::onScreen).<Node>query());
        UiWindow.waitUntil("closed", () -> !editor.isShowing());
        UiWindow.waitUntil("the question is gone", () -> !showing(robot, "Discard changes"));
    }
}
