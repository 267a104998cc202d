package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT e.pk, e.origin_id, e.res_id, e.recorded, e.state, e.raw_block, e.raw_slot "
                        + "FROM audit_patient p JOIN audit_event e ON e.pk = p.event_pk "
                        + "WHERE p.k = ? AND p.event_pk > ? ORDER BY p.event_pk LIMIT " + PAGE)) {
            while (!cancelled.getAsBoolean()) {
                ps.setString(1, key);
                ps.setLong(2, after);
                int rows = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        after = rs.getLong(1);
                        int origin = rs.getInt(2);
                        long recorded = rs.getLong(4);
                        int state = rs.getInt(5);
                        if ((state & State.SUPERSEDED) != 0 || recorded < from || recorded > to
                                || originId != null && origin != originId) {
                            continue;
                        }
                        sink.accept(new Event(after, origin, rs.getString(3), recorded, state,
                                raws.read(c, rs.getLong(6), rs.getInt(7))));
                        n++;
                    }
                }
                if (rows < PAGE) {
                    break;
                }
            }
            return n;
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }
}
