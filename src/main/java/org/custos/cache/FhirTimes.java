package org.custos.cache;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** FHIR date/time text to epoch milliseconds. */
public final class FhirTimes {
    private FhirTimes() {
    }

    /**
     * Parses a FHIR instant ("2013-09-22T00:08:00Z", "2013-09-22T00:08:00.123+02:00"). A date-time without a zone is
     * taken as UTC (seen in real logs). Anything else is an {@link IllegalArgumentException} naming the text.
     */
    public static long parseInstantMillis(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("'" + text + "' is not a FHIR instant");
            }
        }
    }

    /** Parses a user's date or date-time ("2024-05-01", "2024-05-01T10:00", with or without zone), as UTC. */
    public static long parseUserTime(String text, boolean endOfDay) {
        String t = text.trim();
        try {
            LocalDate d = LocalDate.parse(t);
            return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()
                    - (endOfDay ? 1 : 0);
        } catch (DateTimeParseException e) {
            return parseInstantMillis(t);
        }
    }
}
