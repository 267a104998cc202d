package org.custos.consent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small AuditEvents and consents as files to import, for the past-access checks (also used by the CLI test). */
public final class CheckData {
    public static final String HOSPITAL = "Organization/2.16.840.1.113883.19.6";

    private CheckData() {
    }

    /**
     * One AuditEvent as JSON. {@code agents}: "REF|ROLE|PURPOSE" each (empty parts: none); the first is the
     * requestor. {@code labels}: security label codes of the data entity.
     */
    public static String event(String id, String recorded, String action, String patient, String data,
                               List<String> agents, String purposeOfEvent, String... labels) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            String[] p = (agents.get(i) + "||").split("\\|", -1);
            StringBuilder s = new StringBuilder("{\"requestor\":" + (i == 0));
            if (!p[0].isEmpty()) {
                s.append(",\"reference\":{\"reference\":\"").append(p[0]).append("\"}");
            } else {
                s.append(",\"userId\":{\"value\":\"user-").append(i).append("\"}");
            }
            if (!p[1].isEmpty()) {
                s.append(",\"role\":[{\"coding\":[{\"system\":\"http://hl7.org/fhir/v3/ParticipationType\",\"code\":\"")
                        .append(p[1]).append("\"}]}]");
            }
            if (!p[2].isEmpty()) {
                s.append(",\"purposeOfUse\":[{\"coding\":[{\"system\":\"http://hl7.org/fhir/v3/ActReason\",\"code\":\"")
                        .append(p[2]).append("\"}]}]");
            }
            a.add(s.append("}").toString());
        }
        StringBuilder l = new StringBuilder();
        for (String label : labels) {
            l.append(l.length() == 0 ? "" : ",").append("{\"system\":\"http://hl7.org/fhir/v3/ActCode\",\"code\":\"")
                    .append(label).append("\"}");
        }
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"type\":{\"system\":"
                + "\"http://hl7.org/fhir/audit-event-type\",\"code\":\"rest\"},\"action\":\"" + action
                + "\",\"recorded\":\"" + recorded + "\",\"outcome\":\"0\""
                + (purposeOfEvent == null ? "" : ",\"purposeOfEvent\":[{\"coding\":[{\"code\":\"" + purposeOfEvent
                + "\"}]}]")
                + ",\"agent\":[" + String.join(",", a) + "],\"source\":{\"identifier\":{\"value\":\"ehr\"}},"
                + "\"entity\":[{\"reference\":{\"reference\":\"" + patient + "\"},\"role\":{\"system\":"
                + "\"http://hl7.org/fhir/object-role\",\"code\":\"1\"}}"
                + (data == null ? "" : ",{\"reference\":{\"reference\":\"" + data + "\"},\"role\":{\"system\":"
                + "\"http://hl7.org/fhir/object-role\",\"code\":\"4\"},\"securityLabel\":[" + l + "]}")
                + "]}";
    }

    /** A consent for {@code patient} with this policy, version and lastUpdated, and except entries (JSON). */
    public static String consent(String id, String version, String lastUpdated, String patient, String policy,
                                 String except) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"" + version
                + "\",\"lastUpdated\":\"" + lastUpdated + "\"},\"status\":\"active\",\"patient\":{\"reference\":\""
                + patient + "\"},\"policyRule\":\"http://hl7.org/fhir/ConsentPolicy/" + policy + "\""
                + (except == null ? "" : ",\"except\":" + except) + "}";
    }

    /**
     * Imports into {@code cache} (files under {@code dir}) what the check tests share: consent-example-Emergency
     * (patient f001), consent c1 in its two versions (p2), and {@link #events()}.
     */
    public static org.custos.sync.Importer importBase(org.custos.cache.Cache cache, Path dir) throws IOException {
        org.custos.sync.Importer importer = new org.custos.sync.Importer(cache, org.custos.TestData.FHIR);
        importer.importFile(org.custos.TestData.examples().resolve("consent/Consent-consent-example-Emergency.json"),
                org.custos.sync.Importer.SILENT);
        List<String> versions = consentVersions();
        importer.importFile(ndjson(dir.resolve("c1v1.ndjson"), List.of(versions.get(0))),
                org.custos.sync.Importer.SILENT);
        importer.importFile(ndjson(dir.resolve("c1v2.ndjson"), List.of(versions.get(1))),
                org.custos.sync.Importer.SILENT);
        importer.importFile(ndjson(dir.resolve("events.ndjson"), events()), org.custos.sync.Importer.SILENT);
        return importer;
    }

    public static Path ndjson(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    /** The events the tests check against consent-example-Emergency (patient f001) and consent c1 (patient p2). */
    public static List<String> events() {
        return List.of(
                // Emergency: the hospital for ETREAT: permitted
                event("e1", "2020-05-01T10:00:00Z", "R", "Patient/f001", "Observation/o1",
                        List.of(HOSPITAL + "|CST|ETREAT"), null),
                // the hospital for TREAT: denied by except[1]
                event("e2", "2020-05-02T10:00:00Z", "R", "Patient/f001", "Observation/o1",
                        List.of(HOSPITAL + "|CST|TREAT"), null),
                // the hospital, no purpose: undecidable (the permit for ETREAT might apply)
                event("e3", "2020-05-03T10:00:00Z", "R", "Patient/f001", "Observation/o1",
                        List.of(HOSPITAL + "|CST|"), null),
                // no agent reference at all (a user id only), for ETREAT: undecidable (was it the hospital?)
                event("e4", "2020-05-04T10:00:00Z", "R", "Patient/f001", null, List.of("||ETREAT"), null),
                // purposeOfEvent instead of purposeOfUse, outside --to 2020-05-31 in the CLI test
                event("e5", "2020-06-05T10:00:00Z", "R", "Patient/f001", null, List.of(HOSPITAL + "|CST|"), "TREAT"),
                // another patient's event: not checked for f001
                event("e6", "2020-05-01T10:00:00Z", "R", "Patient/other", null, List.of(HOSPITAL + "|CST|TREAT"),
                        null),
                // consent c1 of p2: opt-in from 2020-01-01, opt-out from 2021-01-01
                event("p1", "2019-06-01T00:00:00Z", "R", "Patient/p2", null, List.of("Practitioner/d||TREAT"), null),
                event("p2", "2020-06-01T00:00:00Z", "R", "Patient/p2", null, List.of("Practitioner/d||TREAT"), null),
                event("p3", "2021-06-01T00:00:00Z", "R", "Patient/p2", null, List.of("Practitioner/d||TREAT"), null));
    }

    /**
     * Consents whose answers change within a version: c3 of p3, opt-out except that Practitioner/d may access in
     * March 2020; c4 of p4, opt-in except that Observation/o9 is denied (a consent that names data).
     */
    public static List<String> periodAndDataConsents() {
        return List.of(consent("c3", "1", "2020-01-01T00:00:00Z", "Patient/p3", "opt-out",
                        "[{\"type\":\"permit\",\"period\":{\"start\":\"2020-03-01\",\"end\":\"2020-03-31\"},"
                                + "\"actor\":[{\"role\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/v3/"
                                + "ParticipationType\",\"code\":\"PRCP\"}]},\"reference\":{\"reference\":"
                                + "\"Practitioner/d\"}}]}]"),
                consent("c4", "1", "2020-01-01T00:00:00Z", "Patient/p4", "opt-in",
                        "[{\"type\":\"deny\",\"data\":[{\"meaning\":\"instance\",\"reference\":"
                                + "{\"reference\":\"Observation/o9\"}}]}]"));
    }

    /** Events of p3 before, in, on the last day of and after March 2020, and of p4 with and without o9. */
    public static List<String> periodAndDataEvents() {
        List<String> out = new ArrayList<>();
        String[] times = {"2020-02-29T23:59:59Z", "2020-03-01T00:00:00Z", "2020-03-15T12:00:00Z",
                "2020-03-31T23:59:59.999Z", "2020-04-01T00:00:00Z"};
        for (int i = 0; i < times.length; i++) {
            out.add(event("q" + i, times[i], "R", "Patient/p3", "Observation/o1", List.of("Practitioner/d||TREAT"),
                    null));
            out.add(event("r" + i, times[i], "R", "Patient/p3", "Observation/o1", List.of("Practitioner/x||TREAT"),
                    null));
        }
        out.add(event("s1", "2020-05-01T00:00:00Z", "R", "Patient/p4", "Observation/o9", List.of("Practitioner/d||"),
                null));
        out.add(event("s2", "2020-05-01T00:00:00Z", "R", "Patient/p4", "Observation/o1", List.of("Practitioner/d||"),
                null));
        return out;
    }

    /**
     * Consent c5 of p5 changed twice within one day (opt-in from 12:00, opt-out from 18:00 on 1 June 2020), and events
     * of p5 before, between and after those times, the next day, and before 1970.
     */
    public static List<String> midDayConsentAndEvents() {
        List<String> out = new ArrayList<>(List.of(
                consent("c5", "1", "2020-06-01T12:00:00Z", "Patient/p5", "opt-in", null),
                consent("c5", "2", "2020-06-01T18:00:00Z", "Patient/p5", "opt-out", null)));
        String[] times = {"1969-12-31T12:00:00Z", "2020-06-01T10:00:00Z", "2020-06-01T11:59:59.999Z",
                "2020-06-01T12:00:00Z", "2020-06-01T17:59:59.999Z", "2020-06-01T18:00:00Z", "2020-06-01T23:00:00Z",
                "2020-06-02T09:00:00Z"};
        for (int i = 0; i < times.length; i++) {
            out.add(event("t" + i, times[i], "R", "Patient/p5", null, List.of("Practitioner/d||TREAT"), null));
        }
        return out;
    }

    /** Consent c1 in two versions: opt-in, then opt-out. */
    public static List<String> consentVersions() {
        return List.of(consent("c1", "1", "2020-01-01T00:00:00Z", "Patient/p2", "opt-in", null),
                consent("c1", "2", "2021-01-01T00:00:00Z", "Patient/p2", "opt-out", null));
    }
}
