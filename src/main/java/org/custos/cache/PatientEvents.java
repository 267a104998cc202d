package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
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
        return forEach(java.util.List.of(referenceKey(patient)), originId, from, to, cancelled, sink);
    }

    /**
     * The patient index key of a patient reference as a user or a reference gives it ("Patient/123", absolute or
     * versioned, or a bare id "123"): what {@link #forEach(Collection, Integer, long, long, BooleanSupplier, Consumer)}
     * takes.
     */
    public static String referenceKey(String patient) {
        return AuditStore.cut(AuditExtractor.key(ConsentStore.patientKey(patient)), 512);
    }

    /**
     * The patient index key of an identifier value (an entity in the patient's role that names the patient by
     * identifier only is indexed by its value, without the system).
     */
    public static String identifierKey(String value) {
        return AuditStore.cut(AuditExtractor.key(value), 512);
    }

    /**
     * How many current events the patient index holds under any of {@code keys} (each event once), recorded within
     * [{@code from}, {@code to}] (epoch ms, inclusive), per origin id.
     */
    public Map<Integer, Long> countByOrigin(Collection<String> keys, long from, long to) {
        Map<Integer, Long> out = new TreeMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        String in = String.join(", ", java.util.Collections.nCopies(keys.size(), "?"));
        try (Connection c = cache.connection();
             PreparedStatement ps = c.prepareStatement("SELECT origin_id, COUNT(DISTINCT event_pk) FROM audit_access "
                     + "WHERE k IN (" + in + ") AND recorded BETWEEN ? AND ?" + cache.origins().selfId()
                     .map(self -> " AND origin_id <> " + self).orElse("") + " GROUP BY origin_id")) {
            int i = 1;
            for (String k : keys) {
                ps.setString(i++, k);
            }
            ps.setLong(i++, from);
            ps.setLong(i, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getLong(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /**
     * Every current event the patient index holds under any of {@code keys} (index keys: {@link #referenceKey},
     * {@link #identifierKey}), each once, recorded within [{@code from}, {@code to}] (epoch ms, inclusive) and, when
     * {@code originId} is not null, from that origin, in the order they were stored. Stops early when
     * {@code cancelled} says so.
     *
     * @return how many events were given to {@code sink}
     */
    public long forEach(Collection<String> keys, Integer originId, long from, long to, BooleanSupplier cancelled,
                        Consumer<Event> sink) {
        long n = 0;
        // the patient's current versions from the access index (its keys in the period, of the origin), then their
        // rows page by page in the order they were stored
        try (Connection c = cache.connection();
             PreparedStatement keyRows = c.prepareStatement("SELECT event_pk FROM audit_access WHERE k = ? AND "
                     + "recorded BETWEEN ? AND ?" + (originId == null ? cache.origins().selfId().map(self ->
                     " AND origin_id <> " + self).orElse("") : " AND origin_id = ?"));
             PreparedStatement rows = c.prepareStatement("SELECT pk, origin_id, res_id, recorded, state, raw_block, "
                     + "raw_slot FROM audit_event WHERE pk = ANY(?) ORDER BY pk")) {
            long[] pks = new long[1024];
            int size = 0;
            for (String key : new java.util.LinkedHashSet<>(keys)) {
                keyRows.setString(1, key);
                keyRows.setLong(2, from);
                keyRows.setLong(3, to);
                if (originId != null) {
                    keyRows.setInt(4, originId);
                }
                try (ResultSet rs = keyRows.executeQuery()) {
                    while (rs.next()) {
                        if (size == pks.length) {
                            pks = java.util.Arrays.copyOf(pks, size * 2);
                        }
                        pks[size++] = rs.getLong(1);
                    }
                }
            }
            java.util.Arrays.sort(pks, 0, size);
            size = unique(pks, size);
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

    /** Drops repeats from the sorted first {@code size} values (an event under two keys); returns the new size. */
    private static int unique(long[] sorted, int size) {
        int out = 0;
        for (int i = 0; i < size; i++) {
            if (out == 0 || sorted[out - 1] != sorted[i]) {
                sorted[out++] = sorted[i];
            }
        }
        return out;
    }
}
