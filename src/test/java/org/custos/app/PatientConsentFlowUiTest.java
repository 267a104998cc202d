package org.custos.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.consent.GuidedConsent;
import org.custos.consent.GuidedConsentViewModel;
import org.custos.consent.MyConsentsViewModel;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerProfile;
import org.custos.fhir.SmartClient;
import org.custos.fhir.SmartScopes;
import org.custos.fhir.ProfileStore;
import org.custos.fhir.SecretStore;
import org.custos.patient.AccessHistoryViewModel;
import org.custos.provenance.SignatureVerifier;
import org.custos.provenance.TestPki;
import org.custos.provenance.TrustStore;
import org.custos.provenance.Verdict;
import org.custos.sync.ConsentSaver;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.PatientSeed;
import org.custos.testserver.TestAuth;
import org.custos.ui.Accessibility;
import org.custos.ui.FxTaskRunner;
import org.custos.ui.Screenshots;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.HumanName;
import org.hl7.fhir.dstu3.model.Practitioner;
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
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15 from end to end, against the SMART-protected test server (HAPI JPA, its compartment kept by HAPI's
 * AuthorizationInterceptor) and a real OAuth 2 server: patient A signs in from the patient's home as the app does
 * (discovery, PKCE, the browser played by the test; a sign-in as another patient is refused), fetches their record,
 * reads who looked at it, makes "everyone except Dr X" through the guided steps, signs it with a PKCS#12 key (one
 * naming another patient is refused first, nothing saved) and saves it, sees it in their list and withdraws it after
 * a confirmation, then signs out. What the server holds afterwards is read back on the open endpoint: the Consent
 * (active, then withdrawn) and a Provenance whose signature verifies against the signer's CA. Nothing of patient B is
 * reachable: not in the cache, not offered by the directory search, not writable with A's token. Every control of
 * every step is named for a screen reader. Writes target/screenshots/guided-*.png.
 */
@ExtendWith({ApplicationExtension.class, FhirServerExtension.class})
class PatientConsentFlowUiTest {
    @TempDir
    static Path dir;
    private final MockOAuth2Server oauth = org.custos.testserver.StrictAuthorization.server();
    private final ObjectMapper mapper = new ObjectMapper();
    private LocalFhirServer server;
    private Stage stage;
    private Cache cache;
    private FxTaskRunner tasks;
    private final java.util.prefs.Preferences node = java.util.prefs.Preferences.userRoot().node("custos-test-flow-"
            + java.util.UUID.randomUUID());

    @Start
    void start(Stage s) {
        stage = s;
    }

    @AfterEach
    void stop() throws Exception {
        node.removeNode();
        if (tasks != null) {
            tasks.shutdown();
        }
        if (cache != null) {
            cache.close();
        }
        if (server != null) {
            server.guard().distrust();
        }
        oauth.shutdown();
    }

    private static Practitioner doctor(String given, String family) {
        Practitioner p = new Practitioner();
        p.addName(new HumanName().setFamily(family).addGiven(given).addPrefix("Dr"));
        return p;
    }

    @Test
    @Timeout(240)
    void aPatientMakesSignsAndWithdrawsAConsentAndReachesNoOneElse(FxRobot robot, LocalFhirServer s)
            throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        List<String> ids = server.post(List.of(PatientSeed.patient("Flow", "Aoife"),
                PatientSeed.patient("Flow", "Brendan")));
        String a = "Patient/" + ids.get(0);
        String b = "Patient/" + ids.get(1);
        List<String> doctors = server.post(List.of(doctor("Xavier", "Brennan"), doctor("Yvonne", "Brennan")));
        String drX = "Practitioner/" + doctors.get(0);
        List<Resource> events = new ArrayList<>();
        List<AuditEvent> demo = new DemoGenerator(server.context(), 53).events(0, 5);
        for (int i = 0; i < demo.size(); i++) {
            AuditEvent e = demo.get(i);
            e.setId((String) null);
            e.getEntity().removeIf(en -> en.getReference().getReference() != null
                    && en.getReference().getReference().startsWith("Patient/"));
            e.addEntity().setReference(new Reference(i < 3 ? a : b));
            events.add(e);
        }
        server.post(events);
        server.post(List.of(PatientSeed.consent(b)));

        // patient A's profile on this computer: SMART, patient mode, not signed in yet
        ServerProfile profile = ServerProfile.of("Good Health Clinic", server.smartBaseUrl())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30))
                .withPaging(100, Set.of("AuditEvent", "Consent", "Practitioner", "Organization"), 0)
                .withAuth(ServerProfile.AuthKind.SMART, null, null).withSmart(SmartClient.of("custos-desktop", ""))
                .withPatient(a);
        ProfileStore profiles = new ProfileStore(node, new SecretStore(dir.resolve("secrets-" + System.nanoTime())));
        profiles.save(profile);
        String scopes = String.join(" ", SmartScopes.forProfile(profile, false, SmartScopes.personContext(profile)));

        cache = Cache.open(dir.resolve("flow-" + System.nanoTime()));
        tasks = new FxTaskRunner();
        PatientWindow[] w = new PatientWindow[1];
        robot.interact(() -> {
            w[0] = PatientWindow.assemble(cache, org.custos.TestData.FHIR, profile, () -> profiles.attach(profile),
                    cancel -> new PatientSignIn(profiles, profile, TestAuth::browse, Clock.systemUTC(), cancel, null),
                    tasks,
                    ZoneId.of("Europe/Dublin"), Clock.systemUTC());
            stage.setScene(new Scene(w[0].view().root(), 1100, 780));
            stage.show();
            w[0].model().start();
        });
        Label status = robot.lookup("#fetchStatusLabel").queryAs(Label.class);
        UiWindow.waitUntil("the home asks for a sign-in", () -> status.getText().startsWith("Sign in to fetch"));
        robot.clickOn("#fetchButton");
        assertThat(status.getText()).startsWith("Sign in first");
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isZero();

        // the browser signs in as another patient: refused, nothing kept
        TestAuth.grantPatient(oauth, "custos-desktop", scopes, ids.get(1));
        robot.clickOn("#signInButton");
        UiWindow.waitUntil("the other patient's sign-in is refused", () -> status.getText()
                .startsWith("You are not signed in"));
        assertThat(status.getText()).contains("someone else than the person this record is for")
                .doesNotContain("Patient/");
        assertThat(profiles.attach(profile).tokens()).isNull();

        // patient A signs in as the app does: discovery, PKCE, the browser (played here) at the authorization server
        TestAuth.grantPatient(oauth, "custos-desktop", scopes, ids.get(0));
        robot.clickOn("#signInButton");
        UiWindow.waitUntil("signed in", () -> status.getText().startsWith("You are signed in"));
        ServerProfile signedIn = profiles.attach(profile);
        assertThat(signedIn.tokens().signedInAs()).isEqualTo(a);
        assertThat(signedIn.problems()).isEmpty();
        assertThat(robot.lookup("#signInButton").query().isVisible()).isFalse();

        // the record: fetched with A's token, read as sentences
        robot.clickOn("#fetchButton");
        ListView<AccessHistoryViewModel.Row> history = robot.lookup("#accessList").query();
        UiWindow.waitUntil("the record is fetched", () -> !w[0].model().busyProperty().get()
                && history.getItems().stream().filter(r -> !r.heading()).count() == 3);
        assertThat(robot.lookup("#fetchStatusLabel").queryAs(Label.class).getText()).startsWith("Fetched: 3 new");

        // My consents: none of A's yet; B's is not here
        robot.clickOn(robot.lookup(".tab-label").queryAllAs(Label.class).stream()
                .filter(l -> "My consents".equals(l.getText())).findFirst().orElseThrow());
        assertThat(robot.lookup("#homeTabs").queryAs(TabPane.class).getSelectionModel().getSelectedItem().getText())
                .isEqualTo("My consents");
        MyConsentsViewModel consents = w[0].consents().model();
        ListView<MyConsentsViewModel.Row> list = robot.lookup("#consentList").query();
        UiWindow.waitUntil("the empty list says so", () -> consents.message().get().equals(
                "You have no consents here yet."));
        assertThat(list.getItems()).isEmpty();

        // step 1: what do you want?
        robot.clickOn("#newButton");
        GuidedConsentViewModel guide = consents.making();
        Node root = stage.getScene().getRoot();
        assertNamed(root, "the choices");
        Screenshots.write(stage.getScene(), "guided-1-choose");
        robot.clickOn("#choice-ALL_EXCEPT");
        robot.clickOn("#nextButton");
        assertThat(guide.step().get()).isEqualTo(GuidedConsentViewModel.Step.PEOPLE);

        // step 2: who? Found by name in the directory; the other patient, though named alike, is never offered
        robot.clickOn("#searchField").write("Brendan");
        robot.type(javafx.scene.input.KeyCode.ENTER);
        UiWindow.waitUntil("the search answers", () -> !guide.message().get().isEmpty());
        assertThat(guide.found()).isEmpty();
        robot.interact(() -> guide.search().set(""));
        robot.clickOn("#searchField").write("Brennan");
        robot.type(javafx.scene.input.KeyCode.ENTER);
        UiWindow.waitUntil("Dr Xavier Brennan is found", () -> guide.found().size() == 2);
        assertThat(guide.found()).extracting(GuidedConsent.Person::reference).allMatch(r ->
                r.startsWith("Practitioner/"));
        ListView<GuidedConsent.Person> found = robot.lookup("#foundList").query();
        int x = guide.found().stream().map(GuidedConsent.Person::reference).toList().indexOf(drX);
        robot.interact(() -> {
            found.requestFocus();
            found.getSelectionModel().select(x);
        });
        robot.type(javafx.scene.input.KeyCode.ENTER); // Enter adds the one selected
        assertThat(guide.chosen()).extracting(GuidedConsent.Person::reference).containsExactly(drX);
        assertNamed(root, "the people step");
        Screenshots.write(stage.getScene(), "guided-2-people");
        robot.clickOn("#nextButton");

        // step 3: what it means and leads to
        assertThat(guide.step().get()).isEqualTo(GuidedConsentViewModel.Step.CHECK);
        VBox decisions = robot.lookup("#decisionsBox").query();
        assertThat(decisions.getChildren()).extracting(n -> ((Label) n).getText()).contains(
                "Dr Xavier Brennan could not see your mental health notes.",
                "Someone you did not name could see your record.");
        assertNamed(root, "the check step");
        Screenshots.write(stage.getScene(), "guided-3-check");
        robot.clickOn("#nextButton");

        // step 4: sign and save. A key whose certificate names someone else is refused before anything is saved
        TestPki.Issued other = TestPki.pkcs12(dir.resolve("other.p12"), "Brendan Flow",
                server.smartBaseUrl() + "/" + b, "pw".toCharArray());
        robot.clickOn("#keyField").write(other.file().toString());
        robot.clickOn("#passwordField").write("pw");
        robot.clickOn("#signButton");
        UiWindow.waitUntil("the key is refused", () -> guide.message().get().startsWith("Your consent was not saved"));
        assertThat(guide.message().get()).contains("does not name you");
        assertThat(guide.step().get()).isEqualTo(GuidedConsentViewModel.Step.SIGN);
        assertThat(server.client().search().byUrl("Consent?patient=" + a).returnBundle(Bundle.class).execute()
                .getEntry()).isEmpty();
        robot.interact(() -> guide.keyFile().set(""));
        // then the patient's own PKCS#12 key
        TestPki.Issued key = TestPki.pkcs12(dir.resolve("aoife.p12"), "Aoife Flow",
                server.smartBaseUrl() + "/" + a, "pw".toCharArray());
        robot.clickOn("#keyField").write(key.file().toString());
        robot.clickOn("#passwordField").write("pw");
        assertNamed(root, "the signing step");
        Screenshots.write(stage.getScene(), "guided-4-sign");
        robot.clickOn("#signButton");
        UiWindow.waitUntil("saved and signed", () -> guide.step().get() == GuidedConsentViewModel.Step.DONE);
        assertThat(guide.message().get()).startsWith("Your consent is saved and signed. It is in force now.");
        assertNamed(root, "the last step");
        Screenshots.write(stage.getScene(), "guided-5-done");

        // what the server holds, read on its open endpoint: the consent, and a signature that verifies
        Bundle mine = server.client().search().byUrl("Consent?patient=" + a).returnBundle(Bundle.class).execute();
        assertThat(mine.getEntry()).hasSize(1);
        JsonNode stored = mapper.readTree(server.context().newJsonParser().encodeResourceToString(
                mine.getEntryFirstRep().getResource()));
        String consentId = stored.path("id").asText();
        assertThat(stored.path("status").asText()).isEqualTo("active");
        assertThat(stored.at("/except/0/type").asText()).isEqualTo("deny");
        assertThat(stored.at("/except/0/actor/0/reference/reference").asText()).isEqualTo(drX);
        Bundle signatures = server.client().search().byUrl("Provenance?target=Consent/" + consentId)
                .returnBundle(Bundle.class).execute();
        assertThat(signatures.getEntry()).hasSize(1);
        JsonNode provenance = mapper.readTree(server.context().newJsonParser().encodeResourceToString(
                signatures.getEntryFirstRep().getResource()));
        assertThat(provenance.at("/agent/0/whoReference/reference").asText()).isEqualTo(a);
        String storedJson = stored.toString();
        String version = stored.at("/meta/versionId").asText();
        List<Verdict> verdicts = new SignatureVerifier(TrustStore.of(List.of(key.ca()), "test CA")).verify(
                provenance, (type, id) -> type.equals("Consent") && id.equals(consentId)
                        ? Optional.of(new SignatureVerifier.Target(storedJson, version)) : Optional.empty(),
                server.smartBaseUrl());
        assertThat(verdicts).as(verdicts.toString()).isNotEmpty().allMatch(Verdict::valid);

        // back to the list: the new consent in plain words; withdrawn in one step after the confirmation
        robot.clickOn("#doneButton");
        UiWindow.waitUntil("the new consent is listed", () -> list.getItems().size() == 1);
        assertThat(list.getItems().get(0).text()).isEqualTo("Everyone who cares for you may see your record, "
                + "except: Dr Xavier Brennan.");
        assertThat(list.getItems().get(0).state()).isEqualTo("In force");
        robot.interact(() -> list.getSelectionModel().select(0));
        robot.clickOn("#withdrawButton");
        assertThat(robot.lookup("#confirmLabel").queryAs(Label.class).getText()).startsWith("Withdraw this consent?");
        assertNamed(root, "the confirmation");
        Screenshots.write(stage.getScene(), "guided-6-withdraw");
        robot.clickOn("#confirmWithdrawButton");
        UiWindow.waitUntil("withdrawn", () -> consents.message().get().startsWith("Withdrawn")
                && !list.getItems().isEmpty() && list.getItems().get(0).state().equals("Withdrawn"));
        JsonNode after = mapper.readTree(server.context().newJsonParser().encodeResourceToString(server.client()
                .read().resource(org.hl7.fhir.dstu3.model.Consent.class).withId(consentId).execute()));
        assertThat(after.path("status").asText()).isEqualTo("inactive");
        assertThat(after.at("/meta/versionId").asText()).isEqualTo("2");

        // nothing of B is reachable: not in the cache, not writable with A's token, no field takes a patient
        assertThat(cache.audit().count(AuditFilter.ALL.withPatient(b), Long.MAX_VALUE)).isZero();
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(3);
        assertThat(cache.resources().count("Patient")).isZero();
        ConsentSaver saver = new ConsentSaver(cache, org.custos.TestData.FHIR, o -> Optional.of(profiles.attach(
                profile)));
        String forB = "{\"resourceType\":\"Consent\",\"id\":\"not-mine\",\"status\":\"active\",\"patient\":"
                + "{\"reference\":\"" + b + "\"},\"policyRule\":\"http://hl7.org/fhir/ConsentPolicy/opt-in\"}";
        // the server refuses A's token (403): the edit is not stored there, it waits refused in A's own outbox
        String said;
        try {
            ConsentSaver.Result r = saver.save(org.custos.cache.Origins.normalize(signedIn.baseUrl()), "not-mine",
                    null, forB);
            assertThat(r).isNotInstanceOf(ConsentSaver.Result.Stored.class);
            said = r instanceof ConsentSaver.Result.Queued q ? q.reason() : r.toString();
        } catch (IllegalStateException refused) {
            said = refused.getMessage();
        }
        assertThat(said).contains("403");
        assertThat(server.client().search().byUrl("Consent?patient=" + b).returnBundle(Bundle.class).execute()
                .getEntry()).hasSize(1);
        // signing out: the next fetch asks for a sign-in again
        robot.clickOn("#signOutButton");
        UiWindow.waitUntil("signed out", () -> status.getText().startsWith("You are signed out"));
        assertThat(profiles.attach(profile).tokens()).isNull();
        assertThat(robot.lookup("#signInButton").query().isVisible()).isTrue();

        TabPane tabs = robot.lookup("#homeTabs").query();
        List<String> fields = WaitForAsyncUtils.asyncFx(() -> tabs.getTabs().stream()
                .flatMap(t -> Accessibility.controls(t.getContent()).stream())
                .filter(c -> c instanceof TextField).map(Node::getId).toList()).get();
        assertThat(fields).containsExactlyInAnyOrder("searchField", "keyField", "passwordField");
    }

    private static void assertNamed(Node root, String where) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(WaitForAsyncUtils.asyncFx(() -> Accessibility.unnamed(root)).get())
                .as("controls without a name on " + where).isEmpty();
    }
}
