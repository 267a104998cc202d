package org.custos.review;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Who accessed one patient's record, from one origin, over a period: a row per user, the newest events (at most as
 * many as asked for), and the events per day (of the app's zone) by user and by action. Plain values, no FHIR model.
 *
 * @param origin       where the events came from (one origin: never several mixed)
 * @param total        how many events were read
 * @param users        a row per user, most events first
 * @param events       the newest events, newest first (at most the cap asked for; {@code total} says how many there are)
 * @param byUserDay    per day, per user key: how many events
 * @param byActionDay  per day, per action code ("" for an event without one): how many events
 * @param patientName  the patient's name as the events give it (the most frequent), or null
 * @param unreadable   events whose stored text could not be read as JSON (counted under a user of their own)
 * @param complete     false when the reading was cancelled before the end
 */
public record AccessReport(String origin, long total, List<AccessUser> users, List<AccessEvent> events,
                           SortedMap<LocalDate, Map<String, Long>> byUserDay,
                           SortedMap<LocalDate, Map<String, Long>> byActionDay, String patientName, long unreadable,
                           boolean complete) {

    /** One user's accesses. {@code named}: the name is the directory's (else the events', else the key). */
    public record AccessUser(String key, String name, boolean named, String reference, String userId,
                             List<String> roles, long events, Instant first, Instant last, List<Purpose> purposes,
                             long breakTheGlass, long failed) {
    }

    /** A purpose code and how many of the user's events name it. */
    public record Purpose(String code, long events) {
    }

    /** One listed event; {@code outcome} the code as recorded (null: none recorded). */
    public record AccessEvent(long pk, String origin, String id, Instant recorded, String userKey, String user,
                              String action, String type, String outcome, List<String> purposes,
                              boolean breakTheGlass, boolean failed) {
    }

    /** The first and last day with events (null when there are none). */
    public LocalDate firstDay() {
        return byUserDay.isEmpty() ? null : byUserDay.firstKey();
    }

    public LocalDate lastDay() {
        return byUserDay.isEmpty() ? null : byUserDay.lastKey();
    }

    public long breakTheGlass() {
        return users.stream().mapToLong(AccessUser::breakTheGlass).sum();
    }

    public long failed() {
        return users.stream().mapToLong(AccessUser::failed).sum();
    }
}
