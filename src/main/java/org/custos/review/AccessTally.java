package org.custos.review;

import org.custos.access.AccessReader;
import org.custos.access.AccessReader.Access;
import org.custos.review.AccessReport.AccessEvent;
import org.custos.review.AccessReport.AccessUser;
import org.custos.review.AccessReport.Purpose;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Adds up the events of one patient as they stream by (one origin's): per user, per day, and the newest
 * {@code listCap} events; nothing else of an event is kept, so a patient with 100,000 events costs the users, the
 * days and the list, not the texts.
 */
final class AccessTally {
    /** The user an unreadable event is counted under. */
    static final String UNREADABLE = "(event text unreadable)";
    /** At most this many roles are kept per user (a user who changes role every day is still one row). */
    private static final int MAX_ROLES = 12;

    private final ZoneId zone;
    private final int listCap;
    private final Map<String, User> users = new LinkedHashMap<>();
    private final SortedMap<LocalDate, Map<String, Long>> byUserDay = new TreeMap<>();
    private final SortedMap<LocalDate, Map<String, Long>> byActionDay = new TreeMap<>();
    private final Map<String, Long> patientNames = new HashMap<>();
    /** The newest events: the oldest of them on top, to be dropped when a newer one comes. */
    private final PriorityQueue<Listed> newest = new PriorityQueue<>(Comparator.comparingLong(Listed::recorded)
            .thenComparingLong(Listed::pk));
    private long total;
    private long unreadable;

    private static final class User {
        final String key;
        String reference;
        String name;
        String userId;
        final Set<String> roles = new LinkedHashSet<>();
        long events;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        final Map<String, Long> purposes = new HashMap<>();
        long btg;
        long failed;

        User(String key) {
            this.key = key;
        }
    }

    private record Listed(long pk, String origin, String id, long recorded, String userKey, String action, String type,
                          String outcome, List<String> purposes, boolean btg, boolean failed) {
    }

    AccessTally(ZoneId zone, int listCap) {
        this.zone = zone;
        this.listCap = Math.max(0, listCap);
    }

    /** One event: its key, origin, id and time (epoch ms), and what it says (null: its text could not be read). */
    void add(long pk, String origin, String id, long recorded, Access a) {
        total++;
        if (a == null) {
            unreadable++;
            a = new Access(UNREADABLE, null, null, null, List.of(), null, null, null, List.of(), false, null, null,
                    List.of(), false, false);
        }
        User u = users.computeIfAbsent(a.userKey(), User::new);
        if (u.reference == null) {
            u.reference = a.userReference();
        }
        if (u.name == null) {
            u.name = a.userName();
        }
        if (u.userId == null) {
            u.userId = a.userId();
        }
        for (String r : a.roles()) {
            if (u.roles.size() < MAX_ROLES) {
                u.roles.add(r);
            }
        }
        u.events++;
        u.first = Math.min(u.first, recorded);
        u.last = Math.max(u.last, recorded);
        for (String p : a.purposes()) {
            u.purposes.merge(p, 1L, Long::sum);
        }
        if (a.breakTheGlass()) {
            u.btg++;
        }
        if (a.failed()) {
            u.failed++;
        }
        LocalDate day = Instant.ofEpochMilli(recorded).atZone(zone).toLocalDate();
        byUserDay.computeIfAbsent(day, d -> new HashMap<>()).merge(a.userKey(), 1L, Long::sum);
        byActionDay.computeIfAbsent(day, d -> new HashMap<>()).merge(a.action() == null ? "" : a.action(), 1L,
                Long::sum);
        if (a.patientName() != null) {
            patientNames.merge(a.patientName(), 1L, Long::sum);
        }
        if (listCap > 0) {
            Listed l = new Listed(pk, origin, id, recorded, a.userKey(), a.action(), a.type(), a.outcome(),
                    a.purposes(), a.breakTheGlass(), a.failed());
            if (newest.size() < listCap) {
                newest.add(l);
            } else if (newer(l, newest.peek())) {
                newest.poll();
                newest.add(l);
            }
        }
    }

    private static boolean newer(Listed a, Listed b) {
        return a.recorded() != b.recorded() ? a.recorded() > b.recorded() : a.pk() > b.pk();
    }

    long total() {
        return total;
    }

    /**
     * What was added, with the users named: {@code directoryNames} maps a user's reference to the name the directory
     * of the events' origin gives it; a user it does not name takes the agent's name in the events, else the user
     * id, else the reference.
     */
    AccessReport report(String origin, Map<String, String> directoryNames, boolean complete) {
        List<AccessUser> rows = new ArrayList<>(users.size());
        Map<String, String> names = new HashMap<>();
        for (User u : users.values()) {
            String dir = u.reference == null ? null : directoryNames.get(u.reference);
            String name = dir != null ? dir : u.name != null ? u.name : u.userId != null ? u.userId
                    : u.reference != null ? u.reference : u.key;
            names.put(u.key, name);
            List<Purpose> purposes = u.purposes.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .map(e -> new Purpose(e.getKey(), e.getValue())).toList();
            rows.add(new AccessUser(u.key, name, dir != null, u.reference, u.userId, List.copyOf(u.roles), u.events,
                    Instant.ofEpochMilli(u.first), Instant.ofEpochMilli(u.last), purposes, u.btg, u.failed));
        }
        rows.sort(Comparator.comparingLong(AccessUser::events).reversed()
                .thenComparing(AccessUser::name, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(AccessUser::key));
        List<Listed> listed = new ArrayList<>(newest);
        listed.sort((a, b) -> newer(a, b) ? -1 : newer(b, a) ? 1 : 0);
        List<AccessEvent> events = listed.stream().map(l -> new AccessEvent(l.pk(), l.origin(), l.id(),
                Instant.ofEpochMilli(l.recorded()), l.userKey(), names.get(l.userKey()), l.action(), l.type(),
                l.outcome(), l.purposes(), l.btg(), l.failed())).toList();
        // the name most events give (of two as frequent, the first in alphabetical order)
        String patientName = null;
        long most = 0;
        for (Map.Entry<String, Long> e : new TreeMap<>(patientNames).entrySet()) {
            if (e.getValue() > most) {
                most = e.getValue();
                patientName = e.getKey();
            }
        }
        return new AccessReport(origin, total, List.copyOf(rows), events,
                java.util.Collections.unmodifiableSortedMap(byUserDay),
                java.util.Collections.unmodifiableSortedMap(byActionDay), patientName,
                unreadable, complete);
    }

    /** The references of the users added (for the directory's names). */
    List<String> userReferences() {
        return users.values().stream().map(u -> u.reference).filter(r -> r != null).distinct().toList();
    }
}
