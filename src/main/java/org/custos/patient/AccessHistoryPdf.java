package org.custos.patient;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.custos.reports.PdfPages;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * "Who looked at my record" as a PDF the patient can keep or show: the same summary and sentences as on screen, by
 * person, emergency accesses marked with their note, where it comes from and when it was made, page numbers.
 */
final class AccessHistoryPdf {
    private static final DateTimeFormatter MADE = DateTimeFormatter.ofPattern("d MMMM yyyy 'at' HH:mm",
            Locale.ENGLISH);

    private AccessHistoryPdf() {
    }

    /** Writes {@code h} to {@code out}; {@code source}: where the record comes from, as the patient knows it. */
    static void write(AccessHistory h, String source, Instant made, ZoneId zone, OutputStream out)
            throws IOException {
        PdfPages pages = new PdfPages();
        pages.header(pages.bold(), PdfPages.SIZE + 5, "Who looked at my record");
        pages.header(pages.regular(), PdfPages.SIZE, "From " + source + ", as Custos held it on "
                + MADE.format(made.atZone(zone)) + ".");
        pages.text(AccessHistoryViewModel.summaryOf(h));
        pages.gap(PdfPages.SIZE);
        for (Map.Entry<String, List<AccessLine>> e : h.byPerson().entrySet()) {
            int n = e.getValue().size();
            pages.strong(e.getValue().get(0).person() + " — " + n + (n == 1 ? " time" : " times")).keep();
            for (AccessLine l : e.getValue()) {
                if (l.emergency()) {
                    pages.strong("Emergency access").keep();
                }
                pages.text(l.sentence());
                if (l.emergency()) {
                    pages.text(l.emergencyNote());
                }
            }
            pages.gap(PdfPages.SIZE / 2);
        }
        try (PDDocument doc = new PDDocument()) {
            pages.writeTo(doc, PdfPages.Numbers.FOOTER);
            doc.save(out);
        }
    }
}
