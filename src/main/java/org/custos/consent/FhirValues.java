package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** FHIR values as the decision engine reads them: texts, references, code systems, dates and periods. */
final class FhirValues {
    private FhirValues() {
    }


    static String text(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }

    /** "Type/id" for a reference: a base URL and "/_history/n" dropped; null stays null. */
    static String reference(String ref) {
        if (ref == null || ref.isBlank()) {
            return null;
        }
        String r = ref.trim();
        int h = r.indexOf("/_history/");
        if (h > 0) {
            r = r.substring(0, h);
        }
        if (r.startsWith("http://") || r.startsWith("https://")) {
            int last = r.lastIndexOf('/');
            int before = last > 0 ? r.lastIndexOf('/', last - 1) : -1;
            if (before > 0) {
                r = r.substring(before + 1);
            }
        }
        return r;
    }

    static String normalizeSystem(String s) {
        String r4 = "http://terminology.hl7.org/CodeSystem/v3-";
        return s.startsWith(r4) ? "http://hl7.org/fhir/v3/" + s.substring(r4.length()) : s;
    }

    static boolean within(Instant t, long lo, long hi) {
        long ms = t.toEpochMilli();
        return ms >= lo && ms <= hi;
    }

    static long[] period(JsonNode p, String where) {
        try {
            String start = text(p.get("start"));
            String end = text(p.get("end"));
            return new long[]{start == null ? Long.MIN_VALUE : bounds(start)[0],
                    end == null ? Long.MAX_VALUE : bounds(end)[1]};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    static String periodText(JsonNode p) {
        String start = text(p.get("start"));
        String end = text(p.get("end"));
        return (start == null ? "…" : start) + " – " + (end == null ? "…" : end);
    }

    /**
     * The first and last millisecond a FHIR date or dateTime covers: a year, a month or a day (in UTC) its whole
     * span, a dateTime its instant (to the second when no fraction is given).
     */
    static long[] bounds(String v) {
        try {
            String s = v.trim();
            if (s.matches("\\d{4}")) {
                int y = Integer.parseInt(s);
                return span(LocalDate.of(y, 1, 1), LocalDate.of(y + 1, 1, 1));
            }
            if (s.matches("\\d{4}-\\d{2}")) {
                YearMonth m = YearMonth.parse(s);
                return span(m.atDay(1), m.plusMonths(1).atDay(1));
            }
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate d = LocalDate.parse(s);
                return span(d, d.plusDays(1));
            }
            long t = OffsetDateTime.parse(s).toInstant().toEpochMilli();
            return new long[]{t, s.contains(".") ? t : t + 999};
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a FHIR date or dateTime");
        }
    }

    static long[] span(LocalDate from, LocalDate to) {
        return new long[]{from.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                to.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() - 1};
    }
}
