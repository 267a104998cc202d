package org.custos.review;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The PDF over several pages, with long texts wrapped and characters its font lacks shown as '?', never a crash. */
class DisclosureReportTest {
    @Test
    void manyDisclosuresRunOverPagesEachNumbered() throws Exception {
        List<Disclosures.Disclosure> ds = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            ds.add(new Disclosures.Disclosure(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * i),
                    "Recipient 王 " + i + " (Organization/r" + i + ")", "Export: " + "a long description ".repeat(12)
                    + "end" + i, "HMARKT", "AuditEvent/e" + i, "files"));
        }
        Disclosures.Accounting a = new Disclosures.Accounting("Patient/p1", Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2026-12-31T00:00:00Z"), ds, 120, 1, List.of("files"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DisclosureReport(ZoneOffset.UTC).pdf(a, "Ann Example", "officer", Instant.parse("2026-12-02T10:00:00Z"),
                out);
        try (PDDocument doc = Loader.loadPDF(out.toByteArray())) {
            int pages = doc.getNumberOfPages();
            assertThat(pages).isGreaterThan(3);
            String text = new PDFTextStripper().getText(doc);
            assertThat(text).contains("Patient: Patient/p1 — Ann Example", "Produced by officer on 2026-12-02 10:00 Z",
                    "(1 could", "90 disclosures:", "Recipient ? 0", "end89", "AuditEvent/e89",
                    "Page 1 of " + pages, "Page " + pages + " of " + pages);
        }
    }
}
