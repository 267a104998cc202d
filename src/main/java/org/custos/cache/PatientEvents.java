package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The cached AuditEvents that touched one patient's data (the events the access index holds for that patient:
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
        String key = AuditStore.cut(AuditExtractor.key(ConsentStore.patientKey(patient)), 512);
        long n = 0;
        // the patient's current versions from the access index (its keys in the period, of the origin), then their
        // rows page by page in the order they were stored
        try (Connection c = cache.connection();
             PreparedStatement keys = c.prepareStatement("SELECT event_pk FROM audit_access WHERE k = ? AND recorded "
                     + "BETWEEN ? AND ?" + (originId == null ? cache.origins().selfId().map(self -> " AND origin_id <> "
                     + self).orElse("") : " AND origin_id = ?"));
             PreparedStatement rows = c.prepareStatement("SELECT pk, origin_id, res_id, recorded, state, raw_block, "
                     + "raw_slot FROM audit_event WHERE pk = ANY(?) ORDER BY pk")) {
            keys.setString(1, key);
            keys.setLong(2, from);
            keys.setLong(3, to);
            if (originId != null) {
                keys.setInt(4, originId);
            }
            long[] pks = new long[1024];
            int size = 0;
            try (ResultSet rs = keys.executeQuery()) {
                while (rs.next()) {
                    if (size == pks.length) {
                        pks = java.util.Arrays.copyOf(pks, size * 2);
                    }
                    pks[size++] = rs.getLong(1);
                }
            }
            java.util.Arrays.sort(pks, 0, size);
            for (int start = 0; start < size && !cancelled.getAsBoolean(); start += PAGE) {
                int end = Math.min(size, start + PAGE);
                Long[] page = new Long[end - start];
                for (int i = start; i < end; i++) {
                    page[i - start] = pks[i];
                }
                rows.setObject(1, page);
                try (ResultSet rs = rows.executeQuery()) {
                    while (rs.next()) {
                        if ((rs.getInt(5) & State.SUPERSEDED) != 0) {
                            continue; // (the index holds current versions only; a row changed outside Custos)
                        }
                        sink.accept(new Event(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getLong(4),
                                rs.getInt(5), raws.read(c, rs.getLong(6), rs.getInt(7))));
                        n++;
                    }
                }
            }
            return n;
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }
}
