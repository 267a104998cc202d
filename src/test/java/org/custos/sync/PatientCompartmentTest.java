package org.custos.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.fhir.ServerProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Patient mode's last check on what a server returns: only the patient's own AuditEvents (as agent or entity, no
 * other patient named) and Consents pass, relative or under the profile's server; other patients' do not, nor
 * references to another server; outside patient mode everything passes.
 */
class PatientCompartmentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ServerProfile mine = ServerProfile.of("me", "http://127.0.0.1:1/fhir").withPatient("pat-7");

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void onlyThePatientsOwnAuditEventsAndConsentsPass() throws Exception {
        assertThat(mine.patient()).isEqualTo("Patient/pat-7");
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'Consent','patient':{'reference':"
                + "'Patient/pat-7'}}"))).isTrue();
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'Consent','patient':{'reference':"
                + "'Patient/pat-70'}}"))).isFalse();
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'Consent'}"))).isFalse();
        // an entity, written relative, absolute or version-specific
        for (String ref : new String[]{"Patient/pat-7", "http://127.0.0.1:1/fhir/Patient/pat-7",
                "Patient/pat-7/_history/3"}) {
            assertThat(PatientCompartment.holds(mine, json("{'resourceType':'AuditEvent','entity':[{'reference':"
                    + "{'reference':'Observation/1'}},{'reference':{'reference':'" + ref + "'}}]}"))).as(ref).isTrue();
        }
        // the patient as the agent (looking at their own record)
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'AuditEvent','agent':[{'reference':"
                + "{'reference':'Patient/pat-7'}}]}"))).isTrue();
        // another patient, one whose id ends the same, a look-alike type, and none at all
        for (String ref : new String[]{"Patient/pat-8", "Patient/xpat-7", "OtherPatient/pat-7", "Patient/pat-7x",
                "http://other.example.org/fhir/Patient/pat-7"}) {
            assertThat(PatientCompartment.holds(mine, json("{'resourceType':'AuditEvent','entity':[{'reference':"
                    + "{'reference':'" + ref + "'}}]}"))).as(ref).isFalse();
        }
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'AuditEvent'}"))).isFalse();
        // the patient acting on someone else's record: not theirs to keep (it names another patient)
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'AuditEvent','agent':[{'reference':"
                + "{'reference':'Patient/pat-7'}}],'entity':[{'reference':{'reference':'Patient/pat-8'}}]}")))
                .isFalse();
        // an event about them and another patient at once: not stored either
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'AuditEvent','entity':[{'reference':"
                + "{'reference':'Patient/pat-7'}},{'reference':{'reference':'Patient/pat-8'}}]}"))).isFalse();
        // the directory's names are no one's record; anything else is not synced in patient mode
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'Practitioner'}"))).isTrue();
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'Patient','id':'pat-8'}"))).isFalse();
        assertThat(PatientCompartment.holds(mine, json("{'resourceType':'Provenance'}"))).isFalse();
    }

    @Test
    void outsidePatientModeEverythingPasses() throws Exception {
        ServerProfile staff = ServerProfile.of("staff", "http://127.0.0.1:1/fhir");
        assertThat(staff.patientMode()).isFalse();
        assertThat(PatientCompartment.holds(staff, json("{'resourceType':'Consent','patient':{'reference':"
                + "'Patient/pat-8'}}"))).isTrue();
    }
}
