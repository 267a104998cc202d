package org.custos.patient;

import org.custos.access.AccessReader;
import org.custos.access.AccessReader.Access;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who looked at a patient's record, from the AuditEvents of it, in plain words: one {@link AccessLine} per access,
 * newest first, grouped by person or by day; emergency ("break the glass") accesses marked and explained; the
 * patient's own use (the patient as the one who asked) not counted but told apart; an access that did not succeed
 * said so.
 */
public final class AccessHistory {
    /** One stored AuditEvent of the patient's record: its text and when it was recorded (epoch ms). */
    public record RecordedEvent(String json, long recordedMillis) {
    }

    static final String EMERGENCY_NOTE = "Emergency access (\"breaking the glass\") lets staff open a record they "
            + "would not normally see, when your health may be at risk and there is no time to ask. Every such "
            + "access is recorded, so that it can be checked afterwards.";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_YEAR = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private final List<AccessLine> lines;
    private final int ownUses;
    private final int unreadable;

    private AccessHistory(List<AccessLine> lines, int ownUses, int unreadable) {
        this.lines = List.copyOf(lines);
        this.ownUses = ownUses;
        this.unreadable = unreadable;
    }

    /**
     * The history of {@code patient} ({@code Patient/<id>}) from its events, dates in {@code zone} (the year named
     * only when it is not this year by {@code clock}).
     */
    public static AccessHistory of(List<RecordedEvent> events, String patient, ZoneId zone, Clock clock) {
        AccessReader reader = new AccessReader();
        int thisYear = ZonedDateTime.now(clock.withZone(zone)).getYear();
        List<AccessLine> out = new ArrayList<>();
        int own = 0;
        int bad = 0;
        for (RecordedEvent e : events) {
            Access a = reader.read(e.json());
            if (a == null) {
                bad++;
                continue;
            }
            // the patient's own use: they are the one who asked (the requestor), by reference. Not a login equal to
            // their id, not a patient merely listed first, not Custos's trail (a staff member's act recorded)
            if (a.requestor() && isPatient(a.userReference(), patient)) {
                own++;
                continue;
            }
            out.add(line(a, Instant.ofEpochMilli(e.recordedMillis()), zone, thisYear));
        }
        out.sort(Comparator.comparing(AccessLine::when).reversed());
        return new AccessHistory(out, own, bad);
    }

    private static boolean isPatient(String reference, String patient) {
        return reference != null && (reference.equals(patient) || reference.endsWith("/" + patient));
    }

    private static AccessLine line(Access a, Instant when, ZoneId zone, int thisYear) {
        ZonedDateTime t = when.atZone(zone);
        String name = a.userName() != null ? a.userName() : a.userId() != null ? a.userId()
                : "Someone the record does not name";
        List<String> about = new ArrayList<>();
        if (!a.roles().isEmpty()) {
            about.add(a.roles().get(0));
        }
        if (a.site() != null) {
            about.add(a.site());
        }
        String person = name + (about.isEmpty() ? "" : " (" + String.join(", ", about) + ")");
        String date = "on " + (t.getYear() == thisYear ? DAY : DAY_YEAR).format(t) + " at " + TIME.format(t);
        String records = PlainWords.records(a.recordTypes());
        StringBuilder s = new StringBuilder(person).append(' ');
        if (a.failed()) {
            s.append("tried to ").append(PlainWords.tried(a.action())).append(' ').append(records).append(' ')
                    .append(date).append(", without success");
        } else {
            s.append(PlainWords.verb(a.action())).append(' ').append(records).append(' ').append(date);
        }
        String why = PlainWords.purpose(a.purposes());
        if (why != null) {
            s.append(' ').append(why);
        }
        if (a.breakTheGlass()) {
            s.append(", using emergency access");
        }
        s.append('.');
        return new AccessLine(a.userKey(), person, when, t.toLocalDate(), s.toString(), a.breakTheGlass(),
                a.breakTheGlass() ? EMERGENCY_NOTE : null, a.failed());
    }

    /** Every access, newest first. */
    public List<AccessLine> lines() {
        return lines;
    }

    /** The patient's own uses of their record, not counted. */
    public int ownUses() {
        return ownUses;
    }

    /** Events that could not be read at all (not JSON). */
    public int unreadable() {
        return unreadable;
    }

    /** How many accesses were emergency ones. */
    public long emergencies() {
        return lines.stream().filter(AccessLine::emergency).count();
    }

    /** The accesses by person (the one who looked most recently first), each person's newest first. */
    public Map<String, List<AccessLine>> byPerson() {
        Map<String, List<AccessLine>> out = new LinkedHashMap<>();
        for (AccessLine l : lines) {
            out.computeIfAbsent(l.personKey(), k -> new ArrayList<>()).add(l);
        }
        return out;
    }

    /** The accesses by day (newest day first), each day's newest first. */
    public Map<LocalDate, List<AccessLine>> byDay() {
        Map<LocalDate, List<AccessLine>> out = new LinkedHashMap<>();
        for (AccessLine l : lines) {
            out.computeIfAbsent(l.day(), k -> new ArrayList<>()).add(l);
        }
        return out;
    }
}
