package org.custos.app;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.ServerProfile;
import org.custos.patient.AccessHistoryViewModel;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.PatientSeed;
import org.custos.ui.FxTaskRunner;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Patient mode's window against the real server: the patient's home (no staff tabs), "Fetch my record" brings the
 * patient's own AuditEvents and Consent into a cache of their own — as many as the server holds for them — and
 * nothing of another patient; "who looked at my record" then lists the accesses in sentences. Writes
 * target/screenshots/patient-home.png.
 */
@ExtendWith({ApplicationExtension.class, FhirServerExtension.class})
class PatientWindowUiTest {
    @TempDir
    static Path dir;
    private Stage stage;
    private Cache cache;
    private FxTaskRunner tasks;

    @Start
    void start(Stage s) {
        stage = s;
    }

    @AfterEach
    void stop() {
        if (tasks != null) {
            tasks.shutdown();
        }
        if (cache != null) {
            cache.close();
        }
    }

    @Test
    @Timeout(120)
    void aPatientFetchesTheirRecordAndReadsWhoLookedAtIt(FxRobot robot, LocalFhirServer server) throws Exception {
        List<String> ids = server.post(List.of(PatientSeed.patient("Window", "Aoife"),
                PatientSeed.patient("Window", "Brendan")));
        String a = "Patient/" + ids.get(0);
        String b = "Patient/" + ids.get(1);
        List<Resource> events = new ArrayList<>();
        List<AuditEvent> demo = new DemoGenerator(server.context(), 47).events(0, 7);
        for (int i = 0; i < demo.size(); i++) {
            AuditEvent e = demo.get(i);
            e.setId((String) null);
            e.getEntity().removeIf(en -> en.getReference().getReference() != null
                    && en.getReference().getReference().startsWith("Patient/"));
            e.addEntity().setReference(new Reference(i < 5 ? a : b));
            events.add(e);
        }
        server.post(events);
        server.post(List.of(PatientSeed.consent(a), PatientSeed.consent(b)));

        ServerProfile profile = ServerProfile.of("Good Health Clinic", server.baseUrl())
                .withPaging(100, Set.of("AuditEvent", "Consent", "Patient", "Provenance"), 0).withPatient(a);
        cache = Cache.open(dir.resolve("patient-" + System.nanoTime()));
        tasks = new FxTaskRunner();
        PatientWindow[] w = new PatientWindow[1];
        robot.interact(() -> {
            w[0] = PatientWindow.assemble(cache, org.custos.TestData.FHIR, profile, tasks, ZoneId.of("Europe/Dublin"), Clock.systemUTC());
            stage.setScene(new Scene(w[0].view().root(), 1100, 780));
            stage.show();
            w[0].model().start();
        });
        assertThat(robot.lookup("#tabs").tryQuery()).as("no staff tabs").isEmpty();
        assertThat(robot.lookup("#titleLabel").queryAs(Label.class).getText())
                .isEqualTo("Your record at Good Health Clinic");

        UiWindow.waitUntil("the home says nothing was fetched yet", () -> robot.lookup("#summaryLabel")
                .queryAs(Label.class).getText().equals("Nothing has been fetched from the server yet: choose Fetch my "
                        + "record."));
        robot.clickOn("#fetchButton");
        ListView<AccessHistoryViewModel.Row> list = robot.lookup("#accessList").query();
        Label summary = robot.lookup("#summaryLabel").queryAs(Label.class);
        UiWindow.waitUntil("the record is fetched and shown", () -> !list.getItems().isEmpty()
                && !w[0].model().busyProperty().get() && summary.getText().startsWith("5 looks"));
        assertThat(robot.lookup("#fetchStatusLabel").queryAs(Label.class).getText())
                .startsWith("Fetched: 5 new entries about who looked at your record, 1 consent new or changed.");
        assertThat(robot.lookup("#summaryLabel").queryAs(Label.class).getText())
                .startsWith("5 looks at your record, by ");
        assertThat(list.getItems().stream().filter(r -> !r.heading())).hasSize(5)
                .allSatisfy(r -> assertThat(r.text()).contains(" your ").doesNotContain("Patient/"));

        // what this computer now holds: the patient's own, as the server counts it, and nothing of the other
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(5);
        assertThat(cache.audit().count(AuditFilter.ALL.withPatient(b), Long.MAX_VALUE)).isZero();
        assertThat(cache.resources().count("Consent")).isEqualTo(1);
        assertThat(cache.resources().count("Patient")).isZero();

        org.custos.ui.Screenshots.write(stage.getScene(), "patient-home");
        // every row laid out at the list's width: no row stretched to a column of single words
        assertThat(robot.lookup("#accessList .list-cell").queryAll().stream()
                .map(n -> (javafx.scene.control.ListCell<?>) n).filter(c -> !c.isEmpty()).toList())
                .hasSize(list.getItems().size())
                .allSatisfy(c -> assertThat(c.getHeight()).isBetween(10.0, 150.0));
    }
}
