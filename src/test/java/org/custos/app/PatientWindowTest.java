package org.custos.app;

import org.custos.fhir.ServerProfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Patient mode's cache: beside the staff cache, never it, and one per server and patient — a profile whose patient
 * changes does not open the earlier patient's record. A profile not in patient mode gets no patient window.
 */
class PatientWindowTest {
    private final Path staff = Path.of("/data/custos/cache");

    @Test
    void eachServerAndPatientHasACacheOfItsOwnBesideTheStaffOne() {
        ServerProfile mine = ServerProfile.of("My hospital!", "https://fhir.example.org/r3").withPatient("pat-7");
        Path file = PatientWindow.cacheFile(staff, mine);
        assertThat(file.getParent()).isEqualTo(staff.getParent());
        assertThat(file.getFileName().toString()).startsWith("cache-patient-my-hospital-").isNotEqualTo("cache");
        assertThat(PatientWindow.cacheFile(staff, mine.withPaging(10, null, 0))).as("other settings").isEqualTo(file);
        assertThat(PatientWindow.cacheFile(staff, mine.withPatient("pat-8"))).as("another patient").isNotEqualTo(file);
        assertThat(PatientWindow.cacheFile(staff, ServerProfile.of("My hospital!", "https://other.example.org/r3")
                .withPatient("pat-7"))).as("another server").isNotEqualTo(file);
    }

    @Test
    void aProfileNotInPatientModeOpensNoPatientWindow() {
        assertThatThrownBy(() -> PatientWindow.assemble(null, null, ServerProfile.of("staff", "https://x.example.org/r3"),
                null, java.time.ZoneId.of("UTC"), java.time.Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in patient mode");
    }
}
