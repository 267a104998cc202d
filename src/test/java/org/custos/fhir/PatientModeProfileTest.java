package org.custos.fhir;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A profile in patient mode: the patient given once (as {@code Patient/<id>} or the id) and kept with the profile;
 * what it syncs (the patient's AuditEvents and Consents, searched by patient, and the directory's names; never
 * other patients, their related persons or Provenance) and the SMART scopes it asks for (patient-level ones).
 */
class PatientModeProfileTest {
    private final Preferences node = Preferences.userRoot().node("custos-test-" + UUID.randomUUID());

    @AfterEach
    void removeNode() throws Exception {
        node.removeNode();
    }

    private static ServerProfile all(ServerProfile p) {
        return p.withPaging(100, Set.copyOf(ServerProfile.SYNC_TYPES), 0);
    }

    @Test
    void thePatientIsGivenOnceAsAReferenceOrAnIdAndAnythingElseIsRefusedInWords() {
        ServerProfile p = ServerProfile.of("me", "https://fhir.example.org/r3");
        assertThat(p.patientMode()).isFalse();
        assertThat(p.withPatient("pat-7").patient()).isEqualTo("Patient/pat-7");
        assertThat(p.withPatient(" Patient/pat-7 ").patient()).isEqualTo("Patient/pat-7");
        assertThat(p.withPatient("pat-7").withPatient("").patientMode()).isFalse();
        for (String bad : new String[]{"Practitioner/1", "Patient/", "pat 7", "Patient/a/b", "x".repeat(65)}) {
            assertThatThrownBy(() -> p.withPatient(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a patient reference");
        }
        // kept through the profile's other changes
        assertThat(p.withPatient("pat-7").withAuth(ServerProfile.AuthKind.BEARER, null, "t").withSendTrail(true)
                .withPaging(50, Set.of("Consent"), 0).patient()).isEqualTo("Patient/pat-7");
    }

    @Test
    void patientModeSyncsThePatientsRecordByPatientAndTheDirectoryOnly() {
        ServerProfile staff = all(ServerProfile.of("staff", "https://fhir.example.org/r3"));
        assertThat(staff.typesToSync()).containsExactlyElementsOf(ServerProfile.SYNC_TYPES);
        assertThat(staff.patientParameter("AuditEvent")).isEmpty();

        ServerProfile mine = staff.withPatient("pat-7");
        assertThat(mine.typesToSync()).containsExactly("AuditEvent", "Consent", "Practitioner", "Organization");
        assertThat(mine.patientParameter("AuditEvent")).isEqualTo("&patient=Patient/pat-7");
        assertThat(mine.patientParameter("Consent")).isEqualTo("&patient=Patient/pat-7");
        assertThat(mine.patientParameter("Practitioner")).isEmpty();
    }

    @Test
    void aPatientAsksForPatientScopesForTheirRecordAndUserScopesForTheDirectory() {
        ServerProfile mine = ServerProfile.of("me", "https://fhir.example.org/r3")
                .withPaging(100, Set.of("AuditEvent", "Consent", "Practitioner", "Patient"), 0).withPatient("pat-7");
        assertThat(SmartScopes.personContext(mine)).isEqualTo("patient");
        assertThat(SmartScopes.forProfile(mine, false, "patient")).containsExactly("openid", "fhirUser",
                "offline_access", "launch/patient", "patient/AuditEvent.read", "patient/Consent.read",
                "patient/Consent.write", "user/Practitioner.read", "patient/Provenance.read",
                "patient/Provenance.write");
        assertThat(SmartScopes.forProfile(mine, true, "patient")).contains("patient/AuditEvent.rs",
                "patient/Consent.cud", "patient/Provenance.rs", "patient/Provenance.cud");
        // what a granted set lacks, named in the patient's context
        assertThat(SmartScopes.missing(mine, List.of("patient/AuditEvent.read", "user/Practitioner.read"), false))
                .containsExactly("Consent (patient/Consent.read)");
        // staff use is as before
        ServerProfile staff = mine.withPatient(null);
        assertThat(SmartScopes.personContext(staff)).isEqualTo("user");
        assertThat(SmartScopes.forProfile(staff, false, "user")).contains("user/Patient.read")
                .doesNotContain("launch/patient");
    }

    @Test
    void thePatientIsKeptWithTheProfileAndAStoredValueThatIsNoPatientIsLeftOut(@TempDir Path dir) throws Exception {
        ProfileStore store = new ProfileStore(node, new SecretStore(dir));
        ServerProfile mine = ServerProfile.of("me", "https://fhir.example.org/r3").withPatient("pat-7");
        store.save(mine);
        store.save(ServerProfile.of("staff", "https://fhir.example.org/r3"));
        ProfileStore again = new ProfileStore(node, new SecretStore(dir));
        assertThat(again.find("me").orElseThrow()).isEqualTo(mine);
        assertThat(again.find("staff").orElseThrow().patientMode()).isFalse();
        // saved without patient mode: the patient is gone from the preferences
        store.save(mine.withPatient(null));
        assertThat(new ProfileStore(node, new SecretStore(dir)).find("me").orElseThrow().patientMode()).isFalse();
        // a value edited by hand that is no patient reference: the profile is still read, without patient mode
        for (String child : node.childrenNames()) {
            if ("me".equals(node.node(child).get("name", null))) {
                node.node(child).put("patient", "Practitioner/9");
            }
        }
        assertThat(new ProfileStore(node, new SecretStore(dir)).find("me").orElseThrow().patientMode()).isFalse();
    }

    @Test
    void aPatientSignedInAsAnotherPatientCannotUseTheProfile() {
        ServerProfile mine = ServerProfile.of("me", "https://fhir.example.org/r3").withPatient("pat-7");
        TokenSource asOther = as("Patient/pat-8");
        assertThat(mine.withSession(asOther).problems()).containsExactly("Signed in as Patient/pat-8, but this "
                + "profile is for Patient/pat-7: sign in as that patient, or change the profile's patient.");
        assertThat(mine.withPatient("pat-8").withSession(asOther).problems()).isEmpty();
        // servers often name the user by an absolute URL: under this server it is that patient; elsewhere it is not
        assertThat(PatientReference.ofUser("https://fhir.example.org/r3/Patient/pat-7", mine.baseUrl()))
                .contains("Patient/pat-7");
        assertThat(PatientReference.ofUser("https://fhir.example.org/r3/Patient/pat-7/_history/2", mine.baseUrl()))
                .contains("Patient/pat-7");
        assertThat(PatientReference.ofUser("https://other.example.org/r3/Patient/pat-7", mine.baseUrl())).isEmpty();
        assertThat(PatientReference.ofUser("HTTPS://FHIR.example.org:443/r3/Patient/pat-7", mine.baseUrl()))
                .as("the same server spelled otherwise").contains("Patient/pat-7");
        assertThat(PatientReference.ofUser("https://fhir.example.org:8443/r3/Patient/pat-7", mine.baseUrl()))
                .as("another port").isEmpty();
        assertThat(PatientReference.ofUser("Practitioner/1", mine.baseUrl())).isEmpty();
        assertThat(mine.withSession(as("https://fhir.example.org/r3/Patient/pat-7")).problems()).isEmpty();
        assertThat(mine.withSession(as("https://other.example.org/r3/Patient/pat-7")).problems()).hasSize(1);
        assertThat(mine.withSession(as("https://fhir.example.org/r3/Patient/pat-8")).problems()).hasSize(1);
        // a sign-in that names nobody cannot be used for a patient's record
        assertThat(mine.withSession(as(null)).problems()).singleElement().asString()
                .startsWith("The server did not say who signed in");
        // a staff member signed in (a Practitioner) is not a patient's token: not judged here
        assertThat(ServerProfile.of("staff", "https://fhir.example.org/r3").withSession(asOther).problems()).isEmpty();
    }

    @Test
    void aSessionWithPatientScopesIsAPatientsAndSaysWhoSignedIn() {
        SmartConfiguration config = new SmartConfiguration(java.net.URI.create("https://as.example.org/authorize"),
                java.net.URI.create("https://as.example.org/token"), null, List.of(), List.of("S256"), List.of(), "t");
        SmartSession patient = new SmartSession(config, "c", new SmartTokens("t", java.time.Instant.now()
                .plusSeconds(3600), null, null, List.of("openid", "patient/AuditEvent.read"), "Patient/pat-7"),
                java.time.Clock.systemUTC(), null);
        assertThat(patient.scopeContext()).isEqualTo("patient");
        assertThat(patient.signedInAs()).isEqualTo("Patient/pat-7");
        SmartSession staff = new SmartSession(config, "c", new SmartTokens("t", java.time.Instant.now()
                .plusSeconds(3600), null, null, List.of("user/AuditEvent.read"), "Practitioner/1"),
                java.time.Clock.systemUTC(), null);
        assertThat(staff.scopeContext()).isEqualTo("user");
    }

    private static TokenSource as(String user) {
        return new TokenSource() {
            @Override
            public String bearer() {
                return "t";
            }

            @Override
            public java.util.List<String> secrets() {
                return java.util.List.of("t");
            }

            @Override
            public String afterUnauthorized(String used) {
                return null;
            }

            @Override
            public String signedInAs() {
                return user;
            }
        };
    }
}
