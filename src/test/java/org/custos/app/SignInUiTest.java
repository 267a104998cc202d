package org.custos.app;

import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person adds a SMART-protected server on the Servers tab, signs in (the test plays the system browser at a real
 * OAuth 2 server), sees who is signed in and what the scopes leave out, syncs, browses the events; what they then
 * look at is recorded in Custos's own trail under the signed-in user's name.
 */
@ExtendWith({ApplicationExtension.class, FhirServerExtension.class})
class SignInUiTest {
    @TempDir
    static Path dir;
    private final MockOAuth2Server oauth = new MockOAuth2Server();
    private final AtomicReference<URI> opened = new AtomicReference<>();
    UiWindow ui;
    LocalFhirServer server;

    @Start
    void start(Stage stage) {
        ui = UiWindow.show(stage, Cache.open(dir.resolve("ui-" + System.nanoTime())), dir, 1280, 860, uri -> {
            opened.set(uri);
            org.custos.testserver.TestAuth.browse(uri);
        });
    }

    @AfterEach
    void stop() throws Exception {
        ui.close();
        if (server != null) {
            server.guard().distrust();
        }
        oauth.shutdown();
    }

    @Test
    void signInThroughTheBrowserSyncAndTheTrailNamesTheSignedInUser(FxRobot robot, LocalFhirServer s) {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        server.purge();
        server.postAuditEvents(12, 71);
        org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid fhirUser offline_access user/AuditEvent.read", "Practitioner/officer-7");

        robot.clickOn("Servers and sync");
        TextField url = robot.lookup("#urlField").queryAs(TextField.class);
        UiWindow.waitUntil("a new profile is offered", () -> url.getText().equals("http://127.0.0.1:8091/fhir"));
        robot.doubleClickOn("#nameField").eraseText(40).write("Protected server");
        robot.interact(url::clear);
        robot.clickOn(url).write(server.smartBaseUrl());
        assertThat(robot.lookup("#smartBox").query().isVisible()).isFalse();
        @SuppressWarnings("unchecked")
        ChoiceBox<String> auth = robot.lookup("#authChoice").queryAs(ChoiceBox.class);
        robot.interact(() -> auth.setValue("SMART on FHIR (sign in)"));
        assertThat(robot.lookup("#smartBox").query().isVisible()).isTrue();
        robot.clickOn("#clientIdField").write("custos-desktop");
        robot.clickOn("#consentCheck");
        robot.clickOn("#signInButton");

        Label status = robot.lookup("#signInLabel").queryAs(Label.class);
        UiWindow.waitUntil("the sign-in is shown", () -> status.getText().startsWith("✔"));
        assertThat(opened.get().toString()).startsWith(oauth.authorizationEndpointUrl("custos").toString())
                .contains("code_challenge_method=S256").contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A");
        assertThat(status.getText()).contains("Signed in as Practitioner/officer-7")
                .contains("user/AuditEvent.read").contains("Provenance (user/Provenance.read)");
        ListView<?> profiles = robot.lookup("#profileList").queryAs(ListView.class);
        UiWindow.waitUntil("the profile was saved", () -> profiles.getItems().contains("Protected server"));
        assertThat(robot.lookup("#signOutButton").query().isDisabled()).isFalse();

        robot.clickOn("#syncButton");
        Label message = robot.lookup("#messageLabel").queryAs(Label.class);
        UiWindow.waitUntil("the sync ends", () -> message.getText().contains("did not complete")
                || message.getText().contains("completed"));
        // AuditEvents came; Provenance, which the scopes leave out, was refused with the scope named
        assertThat(message.getText()).contains("Provenance").contains("user/Provenance.read");
        assertThat(ui.cache.audit().count(AuditFilter.ALL.withOrigin(server.smartBaseUrl()), Long.MAX_VALUE))
                .isEqualTo(12);

        robot.clickOn("Audit events");
        Label match = robot.lookup(".match-count").queryAs(Label.class);
        UiWindow.waitUntil("the synced events are in the browser", () -> "12 events".equals(match.getText()));
        // the browser's search went into Custos's own trail, naming the signed-in user
        UiWindow.waitUntil("the search is in the trail", () -> !trail().isEmpty());
        assertThat(trail().get(0).agents()).contains("Practitioner/officer-7");

        robot.clickOn("Servers and sync");
        robot.clickOn("#signOutButton");
        UiWindow.waitUntil("signed out", () -> message.getText().startsWith("Signed out"));
        assertThat(status.getText()).startsWith("Not signed in");
        assertThat(ui.profiles.session("Protected server")).isEmpty();
    }

    /**
     * A patient signs in on the staff window's Servers tab: the app is told, with the profile given that patient (it
     * then replaces the staff window with the patient's home, on a profile of the patient's own); the patient's token
     * is not kept for the staff profile (signed out at once; its refresh token is dropped: see HeldKeeperTest).
     */
    @Test
    void aPatientSigningInOnTheServersTabIsHandedToPatientMode(FxRobot robot, LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        org.custos.testserver.TestAuth.grantPatient(oauth, "custos-desktop", "openid fhirUser launch/patient "
                + "patient/AuditEvent.read patient/Consent.read", "pat-42");
        java.util.concurrent.atomic.AtomicReference<org.custos.fhir.ServerProfile> handed =
                new java.util.concurrent.atomic.AtomicReference<>();
        robot.interact(() -> ui.window.servers().onPatientSignIn(handed::set));

        robot.clickOn("Servers and sync");
        TextField url = robot.lookup("#urlField").queryAs(TextField.class);
        UiWindow.waitUntil("a new profile is offered", () -> url.getText().equals("http://127.0.0.1:8091/fhir"));
        robot.doubleClickOn("#nameField").eraseText(40).write("My clinic");
        robot.interact(url::clear);
        robot.clickOn(url).write(server.smartBaseUrl());
        @SuppressWarnings("unchecked")
        ChoiceBox<String> auth = robot.lookup("#authChoice").queryAs(ChoiceBox.class);
        robot.interact(() -> auth.setValue("SMART on FHIR (sign in)"));
        robot.clickOn("#clientIdField").write("custos-desktop");
        robot.clickOn("#consentCheck");
        robot.clickOn("#signInButton");
        UiWindow.waitUntil("the app is told a patient signed in", () -> handed.get() != null);
        assertThat(handed.get().name()).isEqualTo("My clinic");
        assertThat(handed.get().patient()).isEqualTo("Patient/pat-42");
        assertThat(handed.get().patientMode()).isTrue();
        // the staff profile itself is still a staff profile: patient mode gets a profile of its own (PatientHandOver)
        assertThat(ui.profiles.find("My clinic").orElseThrow().patientMode()).isFalse();
        // and the patient's token was never kept for the staff profile: nothing of the staff's is sent with it
        assertThat(ui.profiles.session("My clinic")).isEmpty();
        assertThat(ui.profiles.attach(ui.profiles.find("My clinic").orElseThrow()).tokens()).isNull();
        assertThat(robot.lookup("#messageLabel").queryAs(Label.class).getText()).isEqualTo("A patient signed in to "
                + "My clinic.");
    }

    private List<AuditSummary> trail() {
        return ui.cache.audit().page(AuditFilter.ALL.withOrigin(Origins.SELF_NAME), null, false, 10);
    }
}
