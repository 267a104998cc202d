package org.custos.app;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.custos.TestData;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.review.AccessReview;
import org.custos.review.DisclosureExportModel;
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
 * counted, a read not), the screen's message, the look in Custos's own trail; a patient named by identifier only
 * cannot be reported.
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
            AccessReview.Candidate byIdentifier = new AccessReview.Candidate(new AccessReview.Subject("MRN-1", null,
                    List.of("mrn-1")), Origins.FILES, 1);
            assertThat(DisclosureExportModel.reportable(byIdentifier)).isFalse();
            model.export(byIdentifier, dir.resolve("x.pdf"));
            assertThat(Files.exists(dir.resolve("x.pdf"))).isFalse();
        }
    }
}
