package org.custos.review;

import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.sync.Importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * AuditEvents of one patient (Patient/p1, MRN-1) as the patient access tests use them, in two origins, with the
 * people of the directory ("files" only). Also used by the UI test.
 */
public final class AccessData {
    public static final String OTHER = "other-hospital";

    private AccessData() {
    }

    /** An agent: any part null is left out. */
    public static String agent(Boolean requestor, String userId, String reference, String name, String roleText,
                               String purposeOfUse) {
        List<String> parts = new ArrayList<>();
        if (requestor != null) {
            parts.add("\"requestor\":" + requestor);
        }
        if (userId != null) {
            parts.add("\"userId\":{\"system\":\"urn:users\",\"value\":\"" + userId + "\"}");
        }
        if (reference != null) {
            parts.add("\"reference\":{\"reference\":\"" + reference + "\"}");
        }
        if (name != null) {
            parts.add("\"name\":\"" + name + "\"");
        }
        if (roleText != null) {
            parts.add("\"role\":[{\"coding\":[{\"system\":\"urn:roles\",\"code\":\"" + roleText.toLowerCase()
                    + "\"}],\"text\":\"" + roleText + "\"}]");
        }
        if (purposeOfUse != null) {
            parts.add("\"purposeOfUse\":[{\"coding\":[{\"system\":\"http://hl7.org/fhir/v3/ActReason\",\"code\":\""
                    + purposeOfUse + "\"}]}]");
        }
        return "{" + String.join(",", parts) + "}";
    }

    /** The patient entity by reference (with the name the event gives). */
    public static String patient(String reference, String name) {
        return "{\"reference\":{\"reference\":\"" + reference + "\"},\"role\":{\"system\":"
                + "\"http://hl7.org/fhir/object-role\",\"code\":\"1\"}" + (name == null ? "" : ",\"name\":\"" + name
                + "\"") + "}";
    }

    /** The patient entity by identifier only. */
    public static String patientByIdentifier(String value) {
        return "{\"identifier\":{\"system\":\"urn:mrn\",\"value\":\"" + value + "\"},\"role\":{\"system\":"
                + "\"http://hl7.org/fhir/object-role\",\"code\":\"1\"}}";
    }

    /** One AuditEvent; {@code outcome} or {@code purposeOfEvent} null: left out. */
    public static String event(String id, String recorded, String action, String outcome, String purposeOfEvent,
                               String patientEntity, String... agents) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"type\":{\"system\":"
                + "\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"110110\",\"display\":\"Patient Record\"},"
                + "\"subtype\":[{\"system\":\"http://hl7.org/fhir/restful-interaction\",\"code\":\"read\"}],"
                + (action == null ? "" : "\"action\":\"" + action + "\",") + "\"recorded\":\"" + recorded + "\""
                + (outcome == null ? "" : ",\"outcome\":\"" + outcome + "\"")
                + (purposeOfEvent == null ? "" : ",\"purposeOfEvent\":[{\"coding\":[{\"system\":"
                + "\"http://hl7.org/fhir/v3/ActReason\",\"code\":\"" + purposeOfEvent + "\"}]}]")
                + ",\"agent\":[" + String.join(",", agents) + "],\"source\":{\"identifier\":{\"value\":\"ehr\"}},"
                + "\"entity\":[" + patientEntity + "]}";
    }

    /**
     * Patient/p1 in "files": dr-ann (4 events, one naming the patient by identifier only: MRN-1), Bob (1), a night
     * clerk (name only, no requestor: the first agent), carol (user id only, 2), and an event without agents; another
     * patient's event; in {@link #OTHER}: 2 events of Patient/p1 by ann (Practitioner/ann, unknown to that origin's
     * directory). Also an event naming identifier X-99 only.
     */
    public static List<String> filesEvents() {
        String ann = agent(true, "dr-ann", "Practitioner/ann", "Ann Event-Name", "Doctor", null);
        String annTreat = agent(true, "dr-ann", "Practitioner/ann", "Ann Event-Name", "Doctor", "TREAT");
        String p1 = patient("Patient/p1", "Pat Events-Name");
        return List.of(
                event("a1", "2026-03-01T08:00:00Z", "R", "0", null, p1, annTreat),
                event("a2", "2026-03-01T20:00:00Z", "R", "4", null, p1, annTreat),
                event("a3", "2026-03-05T10:00:00Z", "U", "0", "BTG", p1, ann),
                event("a4", "2026-03-06T10:00:00Z", "R", "0", null, patientByIdentifier("MRN-1"), ann),
                event("b1", "2026-03-02T09:30:00Z", "R", "8", null, p1,
                        agent(true, null, "Practitioner/bob", "Bob Events", null, "ETREAT")),
                event("n1", "2026-03-05T23:00:00Z", "E", null, null, p1,
                        agent(false, null, null, "Night Clerk", "Ward clerk", null),
                        agent(false, "x-app", null, null, null, null)),
                event("c1", "2026-03-03T11:00:00Z", "C", "0", "HOPERAT", p1,
                        agent(true, "carol", null, null, "Nurse", null)),
                event("c2", "2026-03-04T11:00:00Z", "R", "0", null, p1, agent(true, "carol", null, null, "Nurse",
                        null)),
                event("z1", "2026-03-04T12:00:00Z", "R", "0", null, p1),
                event("q1", "2026-03-04T12:00:00Z", "R", "0", null, patient("Patient/p2", null), ann),
                event("x1", "2026-03-07T12:00:00Z", "R", "0", null, patientByIdentifier("X-99"), ann));
    }

    public static List<String> otherEvents() {
        String ann = agent(true, null, "Practitioner/ann", "Ann Elsewhere", null, null);
        String p1 = patient("Patient/p1", null);
        return List.of(event("o1", "2026-02-01T08:00:00Z", "R", "0", null, p1, ann),
                event("o2", "2026-02-02T08:00:00Z", "R", "0", null, p1, ann));
    }

    /** The directory of "files": Patient/p1 (Pat One, MRN-1) and Practitioner/ann (Ann Directory). */
    public static String people() {
        return "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                + "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"identifier\":[{\"system\":\"urn:mrn\","
                + "\"value\":\"MRN-1\"}],\"name\":[{\"family\":\"One\",\"given\":[\"Pat\"]}]}},"
                + "{\"resource\":{\"resourceType\":\"Practitioner\",\"id\":\"ann\",\"name\":[{\"family\":\"Directory\","
                + "\"given\":[\"Ann\"]}]}}]}";
    }

    /** Imports everything above into {@code cache} (files under {@code dir}). */
    public static void importAll(Cache cache, Path dir) throws IOException {
        Importer importer = new Importer(cache, TestData.FHIR);
        Path d = Files.createDirectories(dir.resolve("access-" + System.nanoTime()));
        importer.importFile(Files.writeString(d.resolve("people.json"), people()), Importer.SILENT);
        importer.importFile(Files.writeString(d.resolve("files.ndjson"), String.join("\n", filesEvents())),
                Importer.SILENT);
        importer.importFile(Files.writeString(d.resolve("other.ndjson"), String.join("\n", otherEvents())), OTHER,
                Importer.SILENT);
    }
}
