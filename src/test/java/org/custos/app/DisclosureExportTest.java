package org.custos.app;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.custos.TestData;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.review.AccessReview;
import org.custos.cache.PatientEvents;
import org.custos.review.DisclosureDefinition;
import org.custos.review.DisclosureExportModel;
import org.custos.review.DisclosureSettingsViewModel;
import org.custos.rules.Events;
import org.custos.sync.Importer;
import org.custos.trail.OwnTrail;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The patient access tab's accounting of disclosures, as wired in the app: the PDF of the patient shown (its export
 * counted, a read not), the screen's message, the look in Custos's own trail; a patient the events name by
 * identifier only; the definition of a disclosure kept in the cache (defaults until changed, the change in the trail).
 */
class DisclosureExportTest {
    @TempDir
    Path dir;

    @Test
    void thePatientShownIsReportedAsAPdf() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            String recent = Instant.now().minusSeconds(86_400 * 30).toString();
            Path f = Files.writeString(dir.resolve("e.ndjson"), List.of(
                    Events.event("exp", recent).user("clerk", "A Clerk").patient("Patient/p1", "Pat One")
                            .type("110106").purposeOfEvent("HMARKT"),
                    Events.event("read", recent).user("clerk", "A Clerk").patient("Patient/p1", "Pat One"))
                    .stream().map(Events::json).collect(Collectors.joining("\n")));
            new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT);
            OwnTrail trail = new OwnTrail(cache, () -> "officer", "custos@test", Clock.systemUTC());
            DisclosureExportModel model = new DisclosureExportModel((patient, origin, file) ->
                    ReviewWiring.disclosures(cache, ZoneOffset.UTC, trail, patient, origin, file),
                    new ImmediateTaskRunner());
            AccessReview.Candidate p1 = new AccessReview.Candidate(new AccessReview.Subject("Pat One", "Patient/p1",
                    List.of("patient/p1")), Origins.FILES, 2);
            model.export(p1, dir.resolve("p1"));
            assertThat(model.message().get()).isEqualTo("1 disclosure of Patient/p1 in the last six years, written to "
                    + dir.resolve("p1.pdf") + ".");
            try (PDDocument d = Loader.loadPDF(dir.resolve("p1.pdf").toFile())) {
                String text = new PDFTextStripper().getText(d);
                assertThat(text).contains("Accounting of disclosures", "Patient/p1", "AuditEvent/exp")
                        .doesNotContain("AuditEvent/read");
            }
            List<AuditSummary> own = cache.audit().page(org.custos.cache.AuditFilter.ALL.withOrigin(
                    Origins.SELF_NAME), null, true, 10);
            assertThat(own).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo("Export");
                assertThat(e.patients()).isEqualTo("Patient/p1");
            });
            // "p1" was chosen and ".pdf" added: the existing p1.pdf is another file than the one the dialog asked
            // about, and stays as it was
            byte[] before = Files.readAllBytes(dir.resolve("p1.pdf"));
            model.export(p1, dir.resolve("p1"));
            assertThat(model.message().get()).isEqualTo("Writing the accounting of disclosures failed: p1.pdf exists "
                    + "already: choose it in the dialog to replace it, or name another file");
            assertThat(Files.readAllBytes(dir.resolve("p1.pdf"))).isEqualTo(before);
        }
    }

    private static final String DEST = "{\"role\":[{\"coding\":[{\"system\":\"http://dicom.nema.org/resources/"
            + "ontology/DCM\",\"code\":\"110152\"}]}],\"requestor\":false,\"reference\":{\"reference\":\"%s\"}}";

    /** An AuditEvent about {@code entity} (JSON) with a Destination agent {@code to}, purpose HMARKT. */
    private static String sent(String id, String recorded, String entity, String to) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"recorded\":\"" + recorded + "\","
                + "\"type\":{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"110110\"},"
                + "\"action\":\"R\",\"outcome\":\"0\",\"purposeOfEvent\":[{\"coding\":[{\"system\":"
                + "\"http://hl7.org/fhir/v3/ActReason\",\"code\":\"HMARKT\"}]}],\"agent\":[{\"requestor\":true,"
                + "\"userId\":{\"value\":\"clerk\"}}," + String.format(DEST, to) + "],\"source\":{\"identifier\":"
                + "{\"value\":\"ehr\"}},\"entity\":[" + entity + "]}";
    }

    private static final String PATIENT_ROLE = ",\"type\":{\"system\":\"http://hl7.org/fhir/audit-entity-type\","
            + "\"code\":\"1\"},\"role\":{\"system\":\"http://hl7.org/fhir/object-role\",\"code\":\"1\"}}";

    @Test
    void aPatientNamedByIdentifierOnlyIsReportedAndTheKeptDefinitionApplies() throws Exception {
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            String recent = Instant.now().minusSeconds(86_400 * 10).toString();
            Path f = Files.writeString(dir.resolve("e.ndjson"), String.join("\n",
                    sent("byid", recent, "{\"identifier\":{\"value\":\"MRN-7\"}" + PATIENT_ROLE,
                            "Organization/partner"),
                    sent("toPartner", recent, "{\"reference\":{\"reference\":\"Patient/p2\"}" + PATIENT_ROLE,
                            "Organization/partner"),
                    sent("toUs", recent, "{\"reference\":{\"reference\":\"Patient/p2\"}" + PATIENT_ROLE,
                            "Organization/ours")));
            new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT);
            OwnTrail trail = new OwnTrail(cache, () -> "officer", "custos@test", Clock.systemUTC());
            DisclosureExportModel model = new DisclosureExportModel((patient, origin, file) ->
                    ReviewWiring.disclosures(cache, ZoneOffset.UTC, trail, patient, origin, file),
                    new ImmediateTaskRunner());

            // known to the events by an identifier only: reportable, its events found by that identifier
            AccessReview.Candidate byIdentifier = new AccessReview.Candidate(new AccessReview.Subject(
                    "identifier MRN-7", null, List.of(PatientEvents.identifierKey("MRN-7"))), Origins.FILES, 1);
            assertThat(DisclosureExportModel.reportable(byIdentifier)).isTrue();
            model.export(byIdentifier, dir.resolve("mrn.pdf"));
            assertThat(model.message().get()).startsWith("1 disclosure of MRN-7 ");
            assertThat(pdfText(dir.resolve("mrn.pdf"))).contains("MRN-7", "AuditEvent/byid", "Organization/partner");

            // the defaults: both destinations are others. The subject as the access view makes it for a directory
            // patient also holds an identifier value (kept without its system: here it is another person's): a
            // legal report reads by the reference only
            AccessReview.Candidate p2 = new AccessReview.Candidate(new AccessReview.Subject("Pat Two (Patient/p2)",
                    "Patient/p2", List.of(PatientEvents.referenceKey("Patient/p2"),
                    PatientEvents.identifierKey("MRN-7"))), Origins.FILES, 3);
            model.export(p2, dir.resolve("p2-defaults.pdf"));
            assertThat(model.message().get()).startsWith("2 disclosures of Patient/p2 ");
            assertThat(pdfText(dir.resolve("p2-defaults.pdf"))).doesNotContain("AuditEvent/byid")
                    .contains("What counts as a disclosure: the defaults");

            // the definition edited in the app (the window's view model on the app's store): ours is our own
            DisclosureSettingsViewModel settings = new DisclosureSettingsViewModel(
                    ReviewWiring.disclosureDefinition(cache, trail), new ImmediateTaskRunner(), ZoneOffset.UTC);
            settings.load();
            assertThat(settings.state().get()).isEqualTo("The defaults apply.");
            assertThat(settings.exportTypes.get()).isEqualTo("110106");
            assertThat(settings.exemptPurposes.get()).startsWith("TREAT, ").contains("HPAYMT", "HOPERAT");
            settings.ownOrganisations.set("Organization/ours\n");
            settings.save();
            assertThat(settings.message().get()).startsWith("Saved");
            model.export(p2, dir.resolve("p2-kept.pdf"));
            assertThat(model.message().get()).startsWith("1 disclosure of Patient/p2 ");
            assertThat(pdfText(dir.resolve("p2-kept.pdf"))).contains("AuditEvent/toPartner")
                    .doesNotContain("AuditEvent/toUs").contains("What counts as a disclosure: as changed on")
                    .contains("(change no. 1 kept in the");
            // kept in the cache: read again, and the change is in Custos's own trail
            DisclosureSettingsViewModel again = new DisclosureSettingsViewModel(
                    ReviewWiring.disclosureDefinition(cache, trail), new ImmediateTaskRunner(), ZoneOffset.UTC);
            again.load();
            assertThat(again.ownOrganisations.get()).isEqualTo("Organization/ours");
            assertThat(again.state().get()).startsWith("Changed ");
            assertThat(cache.audit().page(org.custos.cache.AuditFilter.ALL.withOrigin(Origins.SELF_NAME), null, true,
                    10)).extracting(AuditSummary::type).contains("Application Activity");

            // a definition under which nothing could count is refused, naming why; the kept one stays
            again.exportTypes.set("");
            again.recipientRoles.set(" ");
            assertThat(again.problem().get()).contains("at least one event type or recipient role");
            again.save();
            assertThat(DisclosureDefinition.of(cache).ownOrganisations()).containsExactly("Organization/ours");
            assertThat(DisclosureDefinition.of(cache).exportTypes()).containsExactly("110106");
            // every saved change is kept: what applied to an earlier report can be read back
            again.exportTypes.set("110106");
            again.recipientRoles.set("110152");
            again.ownOrganisations.set("");
            again.save();
            assertThat(cache.reportSettings().history(DisclosureDefinition.NAME)).hasSize(2)
                    .last().satisfies(first -> assertThat(first.text()).contains("Organization/ours"));
            // the whole definition is in the trail's record of the change, also when it is longer than the 1,000
            // characters a description keeps
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                many.append("Organization/partner-hospital-of-the-region-").append(i).append('\n');
            }
            again.ownOrganisations.set(many.toString());
            again.save();
            assertThat(cache.audit().page(org.custos.cache.AuditFilter.ALL.withOrigin(Origins.SELF_NAME)
                    .withText("partner-hospital-of-the-region-59"), null, true, 10)).isNotEmpty();
        }
    }

    private static String pdfText(Path pdf) throws java.io.IOException {
        try (PDDocument d = Loader.loadPDF(pdf.toFile())) {
            return new PDFTextStripper().getText(d);
        }
    }
}
