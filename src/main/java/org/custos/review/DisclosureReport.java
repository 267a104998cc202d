package org.custos.review;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The accounting of disclosures as a file for the patient: CSV (a header row, one row per disclosure) or PDF (Apache
 * PDFBox: a header with the patient, the period, who produced it and when, one block per disclosure, page numbers).
 */
public final class DisclosureReport {
    public static final List<String> HEADER = List.of("date", "recipient", "disclosed", "purpose", "event", "origin");
    private static final float MARGIN = 50;
    private static final float SIZE = 9.5f;
    private static final float LEAD = 12.5f;

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
        try (PDDocument doc = new PDDocument()) {
            PDFont regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDFont bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            List<Line> lines = new ArrayList<>();
            lines.add(new Line(bold, 15, "Accounting of disclosures"));
            lines.add(new Line(regular, SIZE, ""));
            lines.add(new Line(bold, SIZE, "Patient: " + a.patient() + (patientName == null ? "" : " — " + patientName)));
            lines.add(new Line(regular, SIZE, "Period: " + time.format(a.from()) + " to " + time.format(a.to())));
            lines.add(new Line(regular, SIZE, "Produced by " + producedBy + " on " + time.format(producedAt)
                    + " with Custos, from " + a.checked() + " recorded accesses to the patient's data"
                    + (a.unreadable() > 0 ? " (" + a.unreadable() + " could not be read)" : "") + "."));
            lines.add(new Line(regular, SIZE, a.disclosures().isEmpty() ? "No disclosure was recorded in this period."
                    : a.disclosures().size() + " disclosure" + (a.disclosures().size() == 1 ? "" : "s") + ":"));
            lines.add(new Line(regular, SIZE, ""));
            int i = 0;
            for (Disclosures.Disclosure d : a.disclosures()) {
                i++;
                lines.add(new Line(bold, SIZE, i + ". " + time.format(d.date()) + " — to " + d.recipient()));
                lines.add(new Line(regular, SIZE, "    Disclosed: " + d.what()));
                lines.add(new Line(regular, SIZE, "    Purpose: " + d.purpose()));
                lines.add(new Line(regular, SIZE - 1.5f, "    Recorded as " + d.event() + " (" + d.origin() + ")"));
                lines.add(new Line(regular, 4, ""));
            }
            write(doc, lines, regular);
            doc.save(out);
        }
    }

    private record Line(PDFont font, float size, String text) {
    }

    private static void write(PDDocument doc, List<Line> lines, PDFont footerFont) throws IOException {
        PDRectangle box = PDRectangle.A4;
        float width = box.getWidth() - 2 * MARGIN;
        List<List<Line>> pages = new ArrayList<>();
        List<Line> page = new ArrayList<>();
        float y = box.getHeight() - MARGIN;
        for (Line l : lines) {
            for (String part : wrap(l, width)) {
                float lead = Math.max(l.size() * 1.3f, l.text().isEmpty() ? l.size() : LEAD);
                if (y - lead < MARGIN + 20) {
                    pages.add(page);
                    page = new ArrayList<>();
                    y = box.getHeight() - MARGIN;
                }
                page.add(new Line(l.font(), l.size(), part));
                y -= lead;
            }
        }
        pages.add(page);
        for (int p = 0; p < pages.size(); p++) {
            PDPage pdPage = new PDPage(box);
            doc.addPage(pdPage);
            try (PDPageContentStream cs = new PDPageContentStream(doc, pdPage)) {
                float py = box.getHeight() - MARGIN;
                for (Line l : pages.get(p)) {
                    float lead = Math.max(l.size() * 1.3f, l.text().isEmpty() ? l.size() : LEAD);
                    if (!l.text().isEmpty()) {
                        text(cs, l.font(), l.size(), MARGIN, py - l.size(), l.text());
                    }
                    py -= lead;
                }
                String footer = "Page " + (p + 1) + " of " + pages.size();
                text(cs, footerFont, 8, box.getWidth() - MARGIN - footerFont.getStringWidth(footer) / 1000 * 8,
                        MARGIN - 10, footer);
            }
        }
    }

    private static void text(PDPageContentStream cs, PDFont font, float size, float x, float y, String s)
            throws IOException {
        cs.beginText();
        cs.setFont(font, size);
        cs.newLineAtOffset(x, y);
        cs.showText(s);
        cs.endText();
    }

    /** The line cut to the width at spaces (a long word is cut where it must); characters the font lacks as '?'. */
    private static List<String> wrap(Line l, float width) throws IOException {
        String text = encodable(l.font(), l.text());
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) {
            out.add("");
            return out;
        }
        String indent = text.startsWith("    ") ? "    " : "";
        StringBuilder cur = new StringBuilder();
        for (String word : text.split(" ", -1)) {
            String next = cur.length() == 0 ? word : cur + " " + word;
            if (cur.length() > 0 && l.font().getStringWidth(next) / 1000 * l.size() > width) {
                out.add(cur.toString());
                cur = new StringBuilder(indent + word);
            } else {
                cur = new StringBuilder(next);
            }
            while (l.font().getStringWidth(cur.toString()) / 1000 * l.size() > width && cur.length() > 10) {
                int cut = cur.length() - 1;
                while (cut > 1 && l.font().getStringWidth(cur.substring(0, cut)) / 1000 * l.size() > width) {
                    cut--;
                }
                out.add(cur.substring(0, cut));
                cur = new StringBuilder(indent + cur.substring(cut));
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String encodable(PDFont font, String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            String c = new String(Character.toChars(cp));
            try {
                font.encode(c);
                b.append(c);
            } catch (IOException | IllegalArgumentException e) {
                b.append('?');
            }
        });
        return b.toString();
    }
}
