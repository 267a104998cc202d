package org.custos.reports;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines of text laid out on A4 pages (Apache PDFBox), shared by the reports: each line in its font and size, cut to
 * the page's width at spaces (a long word where it must; a line's leading spaces indent what it wraps to; a line
 * break in the text starts a new line), flowed over as many pages as it takes, with a header repeated at the top of
 * every page (or none) and "Page N of M" at the top right or the bottom right. Characters the font lacks are written
 * as '?', never a crash.
 */
public final class PdfPages {
    public static final float MARGIN = 50;
    public static final float SIZE = 9.5f;
    public static final float LEAD = 12.5f;
    private static final float NUMBER_SIZE = 8;
    private static final float HEADER_GAP = 10;

    /** Where "Page N of M" goes: at the right of the header's first line, or at the bottom right. */
    public enum Numbers { HEADER, FOOTER }

    /**
     * One line (or paragraph, when it wraps) of text. An empty text is a gap of {@code size} points. {@code keep}: on
     * the same page as the line after it (when the two fit on a page).
     */
    public record Line(PDFont font, float size, String text, boolean keep) {
        Line(PDFont font, float size, String text) {
            this(font, size, text, false);
        }
    }

    private final PDFont regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    private final PDFont bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    private final List<Line> header = new ArrayList<>();
    private final List<Line> body = new ArrayList<>();

    public PDFont regular() {
        return regular;
    }

    public PDFont bold() {
        return bold;
    }

    /** A line repeated at the top of every page. */
    public PdfPages header(PDFont font, float size, String text) {
        header.add(new Line(font, size, text == null ? "" : text));
        return this;
    }

    public PdfPages add(PDFont font, float size, String text) {
        body.add(new Line(font, size, text == null ? "" : text));
        return this;
    }

    /** Keeps the last line added on the same page as the next one (a heading with what follows, a block's lines). */
    public PdfPages keep() {
        Line last = body.remove(body.size() - 1);
        body.add(new Line(last.font(), last.size(), last.text(), true));
        return this;
    }

    /** A line in the regular font at the usual size. */
    public PdfPages text(String text) {
        return add(regular, SIZE, text);
    }

    /** A line in bold at the usual size. */
    public PdfPages strong(String text) {
        return add(bold, SIZE, text);
    }

    /** A gap of {@code points}. */
    public PdfPages gap(float points) {
        return add(regular, points, "");
    }

    /** Lays the lines out as pages of {@code doc}; returns how many pages it took. */
    public int writeTo(PDDocument doc, Numbers numbers) throws IOException {
        PDRectangle box = PDRectangle.A4;
        float width = box.getWidth() - 2 * MARGIN;
        float reserve = numbers == Numbers.HEADER ? regular.getStringWidth("Page 9999 of 9999") / 1000 * NUMBER_SIZE
                + 12 : 0;
        List<Line> top = new ArrayList<>();
        float headerHeight = 0;
        for (Line l : header) {
            for (String part : wrap(l, width - reserve)) {
                top.add(new Line(l.font(), l.size(), part));
                headerHeight += lead(l);
            }
        }
        if (!top.isEmpty()) {
            headerHeight += HEADER_GAP;
        }
        float start = box.getHeight() - MARGIN - headerHeight;
        List<Line> parts = new ArrayList<>();
        for (Line l : body) {
            List<String> wrapped = wrap(l, width);
            for (int i = 0; i < wrapped.size(); i++) {
                parts.add(new Line(l.font(), l.size(), wrapped.get(i), l.keep() || i < wrapped.size() - 1));
            }
        }
        float bottom = MARGIN + 20;
        List<List<Line>> pages = new ArrayList<>();
        List<Line> page = new ArrayList<>();
        float y = start;
        for (int i = 0; i < parts.size(); i++) {
            Line l = parts.get(i);
            float lead = lead(l);
            if (i == 0 || !parts.get(i - 1).keep()) {
                // a group of lines kept together starts: to the next page when it fits there but not here
                float group = 0;
                for (int j = i; j < parts.size(); j++) {
                    group += lead(parts.get(j));
                    if (!parts.get(j).keep()) {
                        break;
                    }
                }
                if (y - group < bottom && group <= start - bottom && !page.isEmpty()) {
                    pages.add(page);
                    page = new ArrayList<>();
                    y = start;
                }
            }
            if (y - lead < bottom && !page.isEmpty()) {
                pages.add(page);
                page = new ArrayList<>();
                y = start;
            }
            page.add(l);
            y -= lead;
        }
        pages.add(page);
        for (int p = 0; p < pages.size(); p++) {
            PDPage pdPage = new PDPage(box);
            doc.addPage(pdPage);
            try (PDPageContentStream cs = new PDPageContentStream(doc, pdPage)) {
                String number = "Page " + (p + 1) + " of " + pages.size();
                float numberWidth = regular.getStringWidth(number) / 1000 * NUMBER_SIZE;
                float py = box.getHeight() - MARGIN;
                for (int i = 0; i < top.size(); i++) {
                    Line l = top.get(i);
                    if (!l.text().isEmpty()) {
                        text(cs, l.font(), l.size(), MARGIN, py - l.size(), l.text());
                    }
                    if (i == 0 && numbers == Numbers.HEADER) {
                        text(cs, regular, NUMBER_SIZE, box.getWidth() - MARGIN - numberWidth, py - l.size(), number);
                    }
                    py -= lead(l);
                }
                if (!top.isEmpty()) {
                    float ruleY = py - HEADER_GAP / 2;
                    cs.setLineWidth(0.5f);
                    cs.moveTo(MARGIN, ruleY);
                    cs.lineTo(box.getWidth() - MARGIN, ruleY);
                    cs.stroke();
                }
                py = start;
                for (Line l : pages.get(p)) {
                    if (!l.text().isEmpty()) {
                        text(cs, l.font(), l.size(), MARGIN, py - l.size(), l.text());
                    }
                    py -= lead(l);
                }
                if (numbers == Numbers.FOOTER) {
                    text(cs, regular, NUMBER_SIZE, box.getWidth() - MARGIN - numberWidth, MARGIN - 10, number);
                }
            }
        }
        return pages.size();
    }

    private static float lead(Line l) {
        return Math.max(l.size() * 1.3f, l.text().isEmpty() ? l.size() : LEAD);
    }

    private static void text(PDPageContentStream cs, PDFont font, float size, float x, float y, String s)
            throws IOException {
        cs.beginText();
        cs.setFont(font, size);
        cs.newLineAtOffset(x, y);
        cs.showText(s);
        cs.endText();
    }

    /**
     * The line cut to the width at spaces (a long word is cut where it must), each of its own lines (a line break in
     * the text) started anew; characters the font lacks as '?'. What a line wraps to keeps its leading spaces.
     */
    static List<String> wrap(Line l, float width) throws IOException {
        List<String> out = new ArrayList<>();
        if (l.text().isEmpty()) {
            out.add("");
            return out;
        }
        String all = l.text().replace("\r\n", "\n").replace('\r', '\n');
        int lead = 0;
        while (lead < all.length() && all.charAt(lead) == ' ') {
            lead++;
        }
        String indent = all.substring(0, lead);
        boolean first = true;
        for (String paragraph : all.split("\n", -1)) {
            String text = encodable(l.font(), paragraph.replace('\t', ' '));
            out.addAll(wrapOne(l, first ? text.substring(lead) : text, indent, width));
            first = false;
        }
        return out;
    }

    /** One paragraph (its own leading spaces kept after the indent) cut to the width. */
    private static List<String> wrapOne(Line l, String text, String indent, float width) throws IOException {
        List<String> out = new ArrayList<>();
        int own = 0;
        while (own < text.length() && text.charAt(own) == ' ') {
            own++;
        }
        StringBuilder cur = new StringBuilder(indent + text.substring(0, own));
        boolean words = false;
        for (String word : text.substring(own).split(" ", -1)) {
            String next = words ? cur + " " + word : cur + word;
            if (words && width(l, next) > width) {
                out.add(cur.toString());
                cur = new StringBuilder(indent + word);
            } else {
                cur = new StringBuilder(next);
            }
            words = true;
            while (width(l, cur.toString()) > width && cur.length() > 10) {
                int cut = cur.length() - 1;
                while (cut > 1 && width(l, cur.substring(0, cut)) > width) {
                    cut--;
                }
                out.add(cur.substring(0, cut));
                cur = new StringBuilder(indent + cur.substring(cut));
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static float width(Line l, String s) throws IOException {
        return l.font().getStringWidth(s) / 1000 * l.size();
    }

    /**
     * The text with arrows and comparison signs the standard fonts lack written out ("->", "<=") and each other
     * character the font cannot write (and each control character) as '?'.
     */
    static String encodable(PDFont font, String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                b.append('?');
                return;
            }
            String spelled = switch (cp) {
                case 0x2192 -> "->";
                case 0x2190 -> "<-";
                case 0x2264 -> "<=";
                case 0x2265 -> ">=";
                case 0x2260 -> "!=";
                default -> null;
            };
            if (spelled != null) {
                b.append(spelled);
                return;
            }
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
