package org.custos.patient;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Who looked at my record" in plain words: the issue's own sentence from an event that says it, emergency access
 * marked and explained, refused attempts, the patient's own use and Custos's trail not counted, grouping by person
 * and by day, and no FHIR words in what the patient reads.
 */
class AccessHistoryTest {
    static final ZoneId ZONE = ZoneId.of("Europe/Dublin");
    static final Clock NOW = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZONE);
    static final String ME = "Patient/p1";

    private static AccessHistory.RecordedEvent event(String when, String json) {
        return new AccessHistory.RecordedEvent(json.replace('\'', '"'), Instant.parse(when).toEpochMilli());
    }

    private static String agent(String name, String role, String ref) {
        return "{'requestor':true,'name':'" + name + "','role':[{'coding':[{'display':'" + role + "'}]}]"
                + (ref == null ? "" : ",'reference':{'reference':'" + ref + "'}") + "}";
    }

    static final AccessHistory.RecordedEvent LAB = event("2026-09-14T11:59:00Z", "{'resourceType':"
            + "'AuditEvent','action':'R','outcome':'0','agent':[" + agent("Dr Aoife Jansen", "Doctor",
            "Practitioner/aj") + "],'source':{'site':'Good Health Clinic'},'entity':[{'reference':{'reference':"
            + "'Patient/p1'}},{'reference':{'reference':'Observation/lab-1'}}],'purposeOfEvent':[{'coding':[{"
            + "'code':'TREAT'}]}]}");
    static final AccessHistory.RecordedEvent GLASS = event("2026-09-14T02:10:00Z", "{'resourceType':"
            + "'AuditEvent','action':'R','outcome':'0','agent':[" + agent("Sam Night", "Nurse", "Practitioner/sn")
            + "],'source':{'site':'Custos General Hospital'},'entity':[{'reference':{'reference':'Patient/p1'}},"
            + "{'reference':{'reference':'Encounter/e1'}},{'reference':{'reference':'Observation/o2'}}],"
            + "'purposeOfEvent':[{'coding':[{'code':'ETREAT'}]},{'coding':[{'code':'BTG'}]}]}");
    static final AccessHistory.RecordedEvent REFUSED = event("2025-11-02T09:05:00Z", "{'resourceType':"
            + "'AuditEvent','action':'U','outcome':'8','agent':[" + agent("Dr Aoife Jansen", "Doctor",
            "Practitioner/aj") + "],'entity':[{'reference':{'reference':'http://h/fhir/Patient/p1/_history/2'}},"
            + "{'reference':{'reference':'MedicationRequest/m1'}}]}");
    static final AccessHistory.RecordedEvent MINE = event("2026-10-01T08:00:00Z", "{'resourceType':"
            + "'AuditEvent','action':'R','agent':[" + agent("Me", "Patient", "Patient/p1") + "],'entity':[{"
            + "'reference':{'reference':'Patient/p1'}}]}");
    static final AccessHistory.RecordedEvent TRAIL = event("2026-10-01T08:01:00Z", "{'resourceType':"
            + "'AuditEvent','action':'E','meta':{'tag':[{'system':'urn:custos:trail','code':'x'}]},'agent':["
            + agent("custos", "app", null) + "],'entity':[{'reference':{'reference':'Patient/p1'}}]}");
    static final AccessHistory.RecordedEvent SEARCH = event("2026-09-14T12:30:00Z", "{'resourceType':"
            + "'AuditEvent','action':'E','outcome':'0','agent':[{'requestor':true,'userId':{'value':'clerk-9'}}],"
            + "'entity':[{'type':{'system':'http://hl7.org/fhir/resource-types','code':'Condition'},'query':'eA=='}]}");

    @Test
    void eachAccessIsOneSentenceInPlainWords() {
        AccessHistory h = AccessHistory.of(List.of(LAB, GLASS, REFUSED, MINE, TRAIL, SEARCH,
                new AccessHistory.RecordedEvent("not json", 0)), ME, ZONE, NOW);
        assertThat(h.lines()).extracting(AccessLine::sentence).containsExactly(
                "custos (app) looked through your record on 1 October at 09:01.",
                "clerk-9 looked through your health conditions on 14 September at 13:30.",
                "Dr Aoife Jansen (Doctor, Good Health Clinic) read your lab results on 14 September at 12:59 for "
                        + "treatment.",
                "Sam Night (Nurse, Custos General Hospital) read your visits and lab results on 14 September at 03:10 "
                        + "for emergency treatment, using emergency access.",
                "Dr Aoife Jansen (Doctor) tried to change your prescriptions on 2 November 2025 at 09:05, without "
                        + "success.");
        // the patient's own look is not counted; a Custos trail event (a staff member's act, recorded) is
        assertThat(h.ownUses()).isEqualTo(1);
        assertThat(h.unreadable()).isEqualTo(1);
        assertThat(h.emergencies()).isEqualTo(1);
        AccessLine glass = h.lines().get(3);
        assertThat(glass.emergency()).isTrue();
        assertThat(glass.emergencyNote()).contains("breaking the glass").contains("checked afterwards");
        assertThat(h.lines().get(2).emergencyNote()).isNull();
        assertThat(h.lines().get(4).refused()).isTrue();
        for (AccessLine l : h.lines()) {
            assertThat(l.sentence()).doesNotContainPattern("(?i)fhir|resource|observation|encounter|patient/|http");
        }
    }

    @Test
    void accessesAreGroupedByPersonAndByDay() {
        AccessHistory h = AccessHistory.of(List.of(REFUSED, GLASS, LAB, SEARCH), ME, ZONE, NOW);
        assertThat(h.byPerson()).containsOnlyKeys("Practitioner/aj", "Practitioner/sn", "clerk-9");
        assertThat(h.byPerson().keySet()).first().isEqualTo("clerk-9"); // who looked most recently
        assertThat(h.byPerson().get("Practitioner/aj")).extracting(AccessLine::when).containsExactly(
                Instant.parse("2026-09-14T11:59:00Z"), Instant.parse("2025-11-02T09:05:00Z"));
        assertThat(h.byDay()).containsOnlyKeys(LocalDate.of(2026, 9, 14), LocalDate.of(2025, 11, 2));
        assertThat(h.byDay().get(LocalDate.of(2026, 9, 14))).hasSize(3);
        assertThat(h.byDay().keySet()).first().isEqualTo(LocalDate.of(2026, 9, 14));
    }

    @Test
    void onlyThePatientAskingIsTheirOwnUseNotALoginLikeTheirIdNorAPatientMerelyListed() {
        AccessHistory.RecordedEvent sameLogin = event("2026-11-01T10:00:00Z", "{'resourceType':'AuditEvent',"
                + "'action':'R','agent':[{'requestor':true,'name':'Pat Login','userId':{'value':'p1'}}],'entity':[{"
                + "'reference':{'reference':'Patient/p1'}}]}");
        AccessHistory.RecordedEvent listedFirst = event("2026-11-02T10:00:00Z", "{'resourceType':'AuditEvent',"
                + "'action':'R','agent':[{'name':'Me','reference':{'reference':'Patient/p1'}},{'name':'Dr Who',"
                + "'reference':{'reference':'Practitioner/w'}}],'entity':[{'reference':{'reference':'Patient/p1'}}]}");
        AccessHistory h = AccessHistory.of(List.of(sameLogin, listedFirst, MINE), ME, ZONE, NOW);
        assertThat(h.ownUses()).isEqualTo(1);
        assertThat(h.lines()).extracting(AccessLine::sentence).containsExactly(
                "Me read your record on 2 November at 10:00.",
                "Pat Login read your record on 1 November at 10:00.");
    }
}
