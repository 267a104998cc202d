package org.custos.review;

import org.custos.reports.PdfPages;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The accounting of disclosures as a file for the patient: CSV (a header row, one row per disclosure) or PDF (Apache
 * PDFBox: a header with the patient, the period, who produced it and when, one block per disclosure, page numbers).
 */
public final class DisclosureReport {
    public static final List<String> HEADER = List.of("date", "recipient", "disclosed", "purpose", "event", "origin");

    private final ZoneId zone;
    private final DateTimeFormatter time;

    public DisclosureReport(ZoneId zone) {
        this.zone = zone;
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(zone);
    }

    /** One row per disclosure under {@link #HEADER}; dates as instants (UTC, ISO 8601). */
    public void csv(Disclosures.Accounting a, Writer out) throws IOException {
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER.toArray(String[]::new))
                .get())) {
            for (Disclosures.Disclosure d : a.disclosures()) {
                p.printRecord(safe(d.date().toString()), safe(d.recipient()), safe(d.what()), safe(d.purpose()),
                        safe(d.event()), safe(d.origin()));
            }
        }
    }

    private static String safe(String s) {
        return org.custos.sync.CsvCells.safe(s);
    }

    /** The PDF: header (patient and name, period, producer, produced at), the disclosures, page numbers. */
    public void pdf(Disclosures.Accounting a, String patientName, String producedBy, Instant producedAt,
                    OutputStream out) throws IOException {
        pdf(a, patientName, producedBy, producedAt, null, out);
    }

    /**
     * As above, the header also saying which definition of a disclosure applied ({@code definition}, e.g. "the
     * defaults"; null: not said).
     */
    public void pdf(Disclosures.Accounting a, String patientName, String producedBy, Instant producedAt,
                    String definition, OutputStream out) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PdfPages pages = new PdfPages();
            float size = PdfPages.SIZE;
            pages.add(pages.bold(), 15, "Accounting of disclosures");
            pages.gap(size);
            pages.strong("Patient: " + a.patient() + (patientName == null ? "" : " — " + patientName));
            pages.text("Period: " + time.format(a.from()) + " to " + time.format(a.to()));
            pages.text("Produced by " + producedBy + " on " + time.format(producedAt)
                    + " with Custos, from " + a.checked() + " recorded accesses to the patient's data"
                    + (a.unreadable() > 0 ? " (" + a.unreadable() + " could not be read)" : "") + ".");
            if (definition != null) {
                pages.text("What counts as a disclosure: " + definition + ".");
            }
            pages.text(a.disclosures().isEmpty() ? "No disclosure was recorded in this period."
                    : a.disclosures().size() + " disclosure" + (a.disclosures().size() == 1 ? "" : "s") + ":");
            pages.gap(size);
            int i = 0;
            for (Disclosures.Disclosure d : a.disclosures()) {
                i++;
                pages.strong(i + ". " + time.format(d.date()) + " — to " + d.recipient());
                pages.text("    Disclosed: " + d.what());
                pages.text("    Purpose: " + d.purpose());
                pages.add(pages.regular(), size - 1.5f, "    Recorded as " + d.event() + " (" + d.origin() + ")");
                pages.gap(4);
            }
            pages.writeTo(doc, PdfPages.Numbers.FOOTER);
            doc.save(out);
        }
    }
}
