package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The cached AuditEvents that touched one patient's data (the events the patient index holds for that patient:
 * a patient entity, by reference or identifier), streamed in pages with their raw text, for checking them against
 * the patient's consents. Only current versions (an event's earlier versions are the same access, recorded again);
 * events their origin deleted are included (the access still happened).
 */
public final class PatientEvents {
    private static final int PAGE = 2000;

    /** One event: row key, origin, id, recorded (epoch ms), state bits and its text (compact JSON). */
    public record Event(long pk, int originId, String id, long recorded, int state, String raw) {
    }

    private final Cache cache;
    private final RawStore raws;

    PatientEvents(Cache cache, RawStore raws) {
        this.cache = cache;
        this.raws = raws;
    }

    /**
     * Every current event of {@code patient} ("Patient/123", or as {@link ConsentStore.ConsentFilter} reads it)
     * recorded within [{@code from}, {@code to}] (epoch ms, inclusive) and, when {@code originId} is not null, from
     * that origin, in the order they were stored. Stops early when {@code cancelled} says so.
     *
     * @return how many events were given to {@code sink}
     */
    public long forEach(String patient, Integer originId, long from, long to, BooleanSupplier cancelled,
                        Consumer<Event> sink) {
        String key = AuditExtractor.key(ConsentStore.patientKey(patient));
        long after = Long.MIN_VALUE;
        long n = 0;
        // two steps per page instead of one ordered join (H2 sorted every remaining joined row for each page): the
        // page's keys from the patient index alone, in its order, then the rows of that key range, unsorted
        try (Connection c = cache.connection();
             PreparedStatement keys = c.prepareStatement("SELECT event_pk FROM audit_patient WHERE k = ? "
                     + "AND event_pk > ? ORDER BY k, event_pk LIMIT " + PAGE);
             PreparedStatement rows = c.prepareStatement("SELECT e.pk, e.origin_id, e.res_id, e.recorded, e.state, "
                     + "e.raw_block, e.raw_slot FROM audit_patient p JOIN audit_event e ON e.pk = p.event_pk "
                     + "WHERE p.k = ? AND p.event_pk BETWEEN ? AND ?")) {
            while (!cancelled.getAsBoolean()) {
                keys.setString(1, key);
                keys.setLong(2, after);
                List<Long> page = new ArrayList<>(PAGE);
                try (ResultSet rs = keys.executeQuery()) {
                    while (rs.next()) {
                        page.add(rs.getLong(1));
                    }
                }
                if (page.isEmpty()) {
                    break;
                }
                after = page.get(page.size() - 1);
                rows.setString(1, key);
                rows.setLong(2, page.get(0));
                rows.setLong(3, after);
                try (ResultSet rs = rows.executeQuery()) {
                    while (rs.next()) {
                        int origin = rs.getInt(2);
                        long recorded = rs.getLong(4);
                        int state = rs.getInt(5);
                        if ((state & State.SUPERSEDED) != 0 || recorded < from || recorded > to
                                || originId != null && origin != originId) {
                            continue;
                        }
                        sink.accept(new Event(rs.getLong(1), origin, rs.getString(3), recorded, state,
                                raws.read(c, rs.getLong(6), rs.getInt(7))));
                        n++;
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
            return n;
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }
}
