package org.custos.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Period options of the commands: a date (its start or, for the end of a period, its last millisecond) or a dateTime. */
final class CliDates {
    private CliDates() {
    }

    /** The zone {@code --tz} names, else the system's; a name that is no zone is a usage error. */
    static ZoneId zone(CommandSpec spec, String tz) {
        try {
            return tz == null ? ZoneId.systemDefault() : ZoneId.of(tz);
        } catch (RuntimeException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tz: not a time zone: '" + tz
                    + "'");
        }
    }

    /** {@code value} of {@code option} as an instant: YYYY-MM-DD in {@code zone}, or a dateTime with its offset. */
    static Instant instant(CommandSpec spec, String option, String value, boolean end, ZoneId zone) {
        try {
            String v = value.trim();
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return end ? d.plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1)
                        : d.atStartOfDay(zone).toInstant();
            }
            return OffsetDateTime.parse(v).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), option + ": expected YYYY-MM-DD or a dateTime with its "
                    + "offset, got '" + value + "'");
        }
    }
}
