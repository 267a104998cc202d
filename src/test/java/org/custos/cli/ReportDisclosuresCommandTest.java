package org.custos.cli;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.custos.cli.CommandLineTest.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.cli.CommandLineTest.run;

/**
 * {@code custos report disclosures} on a real H2 cache: what counts as a disclosure (an Export, a Destination that is
 * not one's own organisation; treatment, payment and operations exempt, their specialisations too; no purpose
 * counted), the period, and the report as CSV (parsed back) and PDF (its text extracted).
 */
class ReportDisclosuresCommandTest {
    @TempDir
    static Path dir;
    static String db;

    static String event(String id, String recorded, String typeCode, String patient, String purpose,
                        String destination) {
        String dest = destination == null ? "" : ",{\"role\":[{\"coding\":[{\"system\":\"http://dicom.nema.org/"
                + "resources/ontology/DCM\",\"code\":\"110152\",\"display\":\"Destination Role ID\"}]}],\"reference\":"
                + "{\"reference\":\"" + destination + "\"},\"name\":\"Name of " + destination + "\",\"requestor\":false,"
                + "\"network\":{\"address\":\"10.1.2.3\",\"type\":\"2\"}}";
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"type\":{\"system\":\"http://dicom.nema.org/"
                + "resources/ontology/DCM\",\"code\":\"" + typeCode + "\",\"display\":\"" + (typeCode.equals("110106")
                ? "Export" : "Patient Record") + "\"},\"action\":\"R\",\"recorded\":\"" + recorded + "\",\"outcome\":"
                + "\"0\"" + (purpose == null ? "" : ",\"purposeOfEvent\":[{\"coding\":[{\"system\":\"http://hl7.org/"
                + "fhir/v3/ActReason\",\"code\":\"" + purpose + "\"}]}]") + ",\"agent\":[{\"reference\":{\"reference\":"
                + "\"Practitioner/clerk\"},\"name\":\"A Clerk\",\"requestor\":true}" + dest + "],\"source\":{"
                + "\"identifier\":{\"value\":\"ehr\"}},\"entity\":[{\"reference\":{\"reference\":\"" + patient + "\"},"
                + "\"type\":{\"system\":\"http://hl7.org/fhir/audit-entity-type\",\"code\":\"1\",\"display\":\"Person\"},"
                + "\"role\":{\"system\":\"http://hl7.org/fhir/object-role\",\"code\":\"1\",\"display\":\"Patient\"},"
                + "\"name\":\"Patient record\",\"description\":\"Summary of care\"}]}";
    }

    @BeforeAll
    static void importEvents() throws Exception {
        db = dir.resolve("report-cache").toString();
        Path f = Files.writeString(dir.resolve("events.ndjson"), String.join("\n",
                event("marketing", "2026-03-01T10:00:00Z", "110106", "Patient/p1", "HMARKT", "Organization/ad-firm"),
                event("treatment", "2026-03-02T10:00:00Z", "110106", "Patient/p1", "TREAT", "Organization/ad-firm"),
                event("emergency", "2026-03-03T10:00:00Z", "110106", "Patient/p1", "ETREAT", null),
                event("sent-away", "2026-03-04T10:00:00Z", "110110", "Patient/p1", null, "Organization/other-hospital"),
                event("sent-home", "2026-03-05T10:00:00Z", "110110", "Patient/p1", null, "Organization/own"),
                event("a-read", "2026-03-06T10:00:00Z", "110110", "Patient/p1", null, null),
                event("long-ago", "2018-03-01T10:00:00Z", "110106", "Patient/p1", "HMARKT", null),
                event("other-patient", "2026-03-07T10:00:00Z", "110106", "Patient/p2", "HMARKT", null),
                event("research", "2026-03-08T10:00:00Z", "110106", "Patient/p1", "CLINTRCH", null),
                // marketing, requested by someone treating: one exempt purpose does not hide the others
                event("mixed", "2026-03-09T10:00:00Z", "110106", "Patient/p1", "HMARKT", null)
                        .replace("\"requestor\":true}", "\"requestor\":true,\"purposeOfUse\":[{\"coding\":[{"
                                + "\"system\":\"http://hl7.org/fhir/v3/ActReason\",\"code\":\"TREAT\"}]}]}"),
                // a local code 110106 is not DICOM's Export
                event("local-type", "2026-03-10T10:00:00Z", "110106", "Patient/p1", "HMARKT", null)
                        .replace("\"code\":\"110106\"", "\"code\":\"110106\"").replaceFirst(
                                "http://dicom.nema.org/resources/ontology/DCM", "urn:local:types")));
        Run imp = run("import", f.toString(), "--db", db);
        assertThat(imp.code()).as(imp.out() + imp.err()).isZero();
    }

    @Test
    void theCsvListsTheDisclosuresOnly() throws Exception {
        Path csv = dir.resolve("p1.csv");
        Run r = run("report", "disclosures", "--patient", "Patient/p1", "--from", "2026-01-01", "--to", "2026-12-31",
                "--format", "csv", "-o", csv.toString(), "--own-org", "Organization/own", "--db", db);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 disclosures of Patient/p1 in 9 recorded accesses");
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(csv); CSVParser p = CSVParser.parse(in, CSVFormat.RFC4180.builder()
                .setHeader().setSkipHeaderRecord(true).get())) {
            assertThat(p.getHeaderNames()).containsExactly("date", "recipient", "disclosed", "purpose", "event",
                    "origin");
            rows = p.getRecords();
        }
        assertThat(rows).extracting(x -> x.get("event")).containsExactly("AuditEvent/marketing",
                "AuditEvent/sent-away", "AuditEvent/research", "AuditEvent/mixed");
        assertThat(rows.get(0).get("date")).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(rows.get(0).get("purpose")).isEqualTo("HMARKT");
        assertThat(rows.get(0).get("recipient")).isEqualTo("Name of Organization/ad-firm (Organization/ad-firm, "
                + "10.1.2.3)");
        assertThat(rows.get(0).get("disclosed")).isEqualTo("Export: Patient record — Summary of care (Person "
                + "Patient/p1)");
        assertThat(rows.get(1).get("purpose")).isEqualTo("(no purpose recorded)");
        // without naming one's own organisation, the send home is a disclosure too
        Path all = dir.resolve("p1-all.csv");
        Run r2 = run("report", "disclosures", "--patient", "p1", "--from", "2026-01-01", "--format", "csv", "-o",
                all.toString(), "--db", db);
        assertThat(r2.code()).isZero();
        assertThat(Files.readString(all)).contains("AuditEvent/sent-home").doesNotContain("AuditEvent/treatment",
                "AuditEvent/emergency", "AuditEvent/a-read", "AuditEvent/other-patient", "AuditEvent/long-ago");
    }

    @Test
    void theDefinitionKeptInTheCacheAppliesAndOwnOrgAddsToIt() throws Exception {
        String kept = dir.resolve("kept-cache").toString();
        assertThat(run("import", dir.resolve("events.ndjson").toString(), "--db", kept).code()).isZero();
        try (org.custos.cache.Cache cache = org.custos.cache.Cache.open(Path.of(kept))) {
            // as the app's window saves it: our own organisation named, research exempt as well
            org.custos.review.DisclosureDefinition d = org.custos.review.DisclosureDefinition.defaults()
                    .withMoreOwnOrganisations(List.of("Organization/own"));
            java.util.List<String> exempt = new java.util.ArrayList<>(d.exemptPurposes());
            exempt.add("CLINTRCH");
            cache.reportSettings().put(org.custos.review.DisclosureDefinition.NAME,
                    new org.custos.review.DisclosureDefinition(d.exportTypes(), d.recipientRoles(),
                            d.ownOrganisations(), exempt).toJson(), "officer", System.currentTimeMillis());
        }
        Path csv = dir.resolve("kept.csv");
        Run r = run("report", "disclosures", "--patient", "Patient/p1", "--from", "2026-01-01", "--format", "csv",
                "-o", csv.toString(), "--db", kept);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(csv)).contains("AuditEvent/marketing", "AuditEvent/sent-away", "AuditEvent/mixed")
                .doesNotContain("AuditEvent/sent-home", "AuditEvent/research");
        Path more = dir.resolve("kept-more.csv");
        Run r2 = run("report", "disclosures", "--patient", "Patient/p1", "--from", "2026-01-01", "--format", "csv",
                "-o", more.toString(), "--own-org", "Organization/other-hospital", "--db", kept);
        assertThat(r2.code()).as(r2.err()).isZero();
        assertThat(Files.readString(more)).contains("AuditEvent/marketing").doesNotContain("AuditEvent/sent-away",
                "AuditEvent/sent-home");
    }

    @Test
    void thePdfHasItsHeaderTheDisclosuresAndPageNumbers() throws Exception {
        Path pdf = dir.resolve("p1.pdf");
        // only --to: the six years before it (the 2018 export is out)
        Run r = run("report", "disclosures", "--patient", "Patient/p1", "--to", "2026-12-31", "--format", "pdf", "-o",
                pdf.toString(), "--tz", "UTC", "--db", db);
        assertThat(r.code()).as(r.err()).isZero();
        String text;
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            text = new PDFTextStripper().getText(doc);
            assertThat(doc.getNumberOfPages()).isEqualTo(1);
        }
        assertThat(text).contains("Accounting of disclosures", "Patient: Patient/p1", "Produced by ",
                "5 disclosures:", "Name of Organization/ad-firm", "Purpose: HMARKT", "AuditEvent/sent-away",
                "Page 1 of 1").doesNotContain("AuditEvent/treatment");
        assertThat(text).doesNotContain("2018-03-01").contains("Period: 2021-01-01 00:00 UTC to 2026-12-31 23:59 UTC");
        assertThat(text.replaceAll("\\s+", " ")).contains("What counts as a disclosure: the defaults");
    }

    @Test
    void aPatientReferenceInTwoOriginsNeedsTheOrigin() throws Exception {
        Path other = dir.resolve("other-" + System.nanoTime() + ".ndjson");
        Files.writeString(other, event("elsewhere", "2026-04-01T10:00:00Z", "110106", "Patient/p1", "HMARKT", null));
        Path odb = dir.resolve("two-origins");
        Files.copy(Path.of(db + ".mv.db"), Path.of(odb + ".mv.db"));
        assertThat(run("import", other.toString(), "--origin", "https://other.example/fhir", "--db", odb.toString())
                .code()).isZero();
        Run r = run("report", "disclosures", "--patient", "Patient/p1", "--from", "2026-01-01", "--format", "csv", "-o",
                dir.resolve("two.csv").toString(), "--db", odb.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("2 origins", "files", "https://other.example/fhir", "--origin");
        assertThat(dir.resolve("two.csv")).doesNotExist();
        Path mine = dir.resolve("other.csv");
        Run o = run("report", "disclosures", "--patient", "Patient/p1", "--from", "2026-01-01", "--format", "csv",
                "-o", mine.toString(), "--origin", "https://other.example/fhir", "--db", odb.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(Files.readString(mine)).contains("AuditEvent/elsewhere").doesNotContain("AuditEvent/marketing");
    }

    @Test
    void anExistingFileIsNotOverwritten() throws Exception {
        Path there = Files.writeString(dir.resolve("there.csv"), "keep me");
        Run r = run("report", "disclosures", "--patient", "p1", "--format", "csv", "-o", there.toString(), "--db", db);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("exists already");
        assertThat(Files.readString(there)).isEqualTo("keep me");
    }
}
