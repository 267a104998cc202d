package org.custos.app;

import org.custos.fhir.ServerProfile;
import org.custos.fhir.SmartClient;
import org.custos.fhir.SmartScopes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A patient's sign-in on a staff profile hands over to a profile of the patient's own, never the staff one. */
class PatientHandOverTest {
    private final ServerProfile staff = ServerProfile.of("Clinic", "https://fhir.example.org/r3")
            .withAuth(ServerProfile.AuthKind.SMART, null, null).withSmart(SmartClient.of("custos-desktop", ""))
            .withPaging(200, Set.of("AuditEvent", "Consent", "Patient", "Provenance"), 30).withSendTrail(true);

    @Test
    void thePatientGetsAProfileOfTheirOwnWithPatientScopesAndNoSession() {
        ServerProfile mine = PatientHandOver.patientProfile(staff.withPatient("Patient/7"), List.of(staff));
        assertThat(mine.name()).isEqualTo("Clinic — my record");
        assertThat(mine.patient()).isEqualTo("Patient/7");
        assertThat(mine.baseUrl()).isEqualTo(staff.baseUrl());
        assertThat(mine.smart().clientId()).isEqualTo("custos-desktop");
        assertThat(mine.tokens()).isNull();
        assertThat(mine.sendTrail()).isFalse();
        assertThat(mine.typesToSync()).containsExactlyInAnyOrder("AuditEvent", "Consent", "Practitioner",
                "Organization");
        assertThat(SmartScopes.forProfile(mine, false, SmartScopes.personContext(mine)))
                .contains("launch/patient", "patient/AuditEvent.read", "patient/Consent.write")
                .noneMatch(s -> s.startsWith("user/AuditEvent") || s.startsWith("user/Patient"));
        // the staff profile is not touched
        assertThat(staff.patientMode()).isFalse();
        // a staff profile that names its scopes: the patient's profile asks for patient scopes, not those
        ServerProfile named = staff.withSmart(SmartClient.of("custos-desktop", "openid user/*.read"));
        ServerProfile theirs = PatientHandOver.patientProfile(named.withPatient("Patient/7"), List.of(named));
        assertThat(theirs.smart().scopes()).isEmpty();
        assertThat(SmartScopes.forProfile(theirs, false, "patient")).contains("patient/AuditEvent.read")
                .doesNotContain("user/*.read");
    }

    @Test
    void aNameUsedForAnotherPatientIsNotTakenOver() {
        ServerProfile other = PatientHandOver.patientProfile(staff.withPatient("Patient/8"), List.of(staff));
        ServerProfile mine = PatientHandOver.patientProfile(staff.withPatient("Patient/7"), List.of(staff, other));
        assertThat(mine.name()).isEqualTo("Clinic — my record 2");
        // the patient's home names the server as the patient knows it
        assertThat(PatientHandOver.serverName(mine)).isEqualTo("Clinic");
        assertThat(PatientHandOver.serverName(other)).isEqualTo("Clinic");
        assertThat(PatientHandOver.serverName(staff)).isEqualTo("Clinic");
        // the same patient again: their own profile is reused
        assertThat(PatientHandOver.patientProfile(staff.withPatient("Patient/7"), List.of(staff, other, mine))
                .name()).isEqualTo("Clinic — my record 2");
    }
}
