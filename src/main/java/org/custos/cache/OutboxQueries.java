package org.custos.cache;

import org.custos.cache.OutboxStore.Entry;
import org.custos.cache.OutboxStore.Status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The outbox read (table {@code outbox}): what {@link OutboxStore}'s read methods answer; it changes nothing. */
final class OutboxQueries {
    private static final String COLUMNS = "seq, origin_id, res_type, res_id, base_version, base_seq, body, created_at, "
            + "updated_at, state, attempts, last_message, sent_version, server_version, server_json";

    private final Cache cache;

    OutboxQueries(Cache cache) {
        this.cache = cache;
    }

    /** One entry. */
    Optional<Entry> get(long seq) {
        List<Entry> l = query("SELECT " + COLUMNS + " FROM outbox WHERE seq = ?", seq);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** The entries of the server {@code origin} waiting to be sent ({@code PENDING} or {@code SENDING}), in order. */
    List<Entry> pending(String origin) {
        return byOrigin(origin, EnumSet.of(Status.PENDING, Status.SENDING));
    }

    /** The entries of {@code origin} not sent and not discarded (pending, sending, conflict, failed), in order. */
    List<Entry> unsent(String origin) {
        return byOrigin(origin, EnumSet.of(Status.PENDING, Status.SENDING, Status.CONFLICT, Status.FAILED));
    }

    /** Every entry of {@code origin}, in order. */
    List<Entry> entries(String origin) {
        return byOrigin(origin, EnumSet.allOf(Status.class));
    }

    /** Every entry for one resource of {@code origin}, in order. */
    List<Entry> entriesFor(String origin, String type, String id) {
        Optional<Origins.Origin> o = cache.origins().find(origin);
        if (o.isEmpty()) {
            return List.of();
        }
        return query("SELECT " + COLUMNS + " FROM outbox WHERE origin_id = ? AND res_type = ? AND res_id = ? "
                + "ORDER BY seq", o.get().id(), type, id);
    }

    private List<Entry> byOrigin(String origin, Set<Status> states) {
        Optional<Origins.Origin> o = cache.origins().find(origin);
        if (o.isEmpty()) {
            return List.of();
        }
        if (states.size() == Status.values().length) {
            return query("SELECT " + COLUMNS + " FROM outbox WHERE origin_id = ? ORDER BY seq", o.get().id());
        }
        // in SQL (the index on origin_id, state, seq): the sent entries, kept as the record, are not read
        String in = String.join(", ", states.stream().map(x -> "'" + x.name() + "'").toList());
        return query("SELECT " + COLUMNS + " FROM outbox WHERE origin_id = ? AND state IN (" + in + ") ORDER BY seq",
                o.get().id());
    }

    /** The entries of every server not sent and not discarded (pending, sending, conflict, failed), in order. */
    List<Entry> unsent() {
        return query("SELECT " + COLUMNS + " FROM outbox WHERE state IN ('PENDING', 'SENDING', 'CONFLICT', 'FAILED') "
                + "ORDER BY seq");
    }

    /** The conflicts and failures of every server, oldest first: what a screen asks the user about. */
    List<Entry> needingAttention() {
        return query("SELECT " + COLUMNS + " FROM outbox WHERE state IN ('CONFLICT', 'FAILED') ORDER BY seq");
    }

    /** The server origins that have entries waiting to be sent, by name. */
    List<String> originsWithPending() {
        List<String> out = new ArrayList<>();
        try (Connection c = cache.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT DISTINCT origin_id FROM outbox WHERE state IN ('PENDING', 'SENDING')")) {
            while (rs.next()) {
                out.add(cache.origins().nameOf(rs.getInt(1)));
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the outbox failed: " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** How many entries wait to be sent ({@code PENDING} or {@code SENDING}), all servers. */
    long countPending() {
        return count("SELECT COUNT(*) FROM outbox WHERE state IN ('PENDING', 'SENDING')");
    }

    /** How many entries of {@code origin} wait to be sent. */
    long countPending(String origin) {
        return pending(origin).size();
    }

    /** How many entries wait for the user: conflicts and failures, all servers. */
    long countPendingTrail() {
        return count("SELECT COUNT(*) FROM outbox WHERE state IN ('PENDING', 'SENDING') AND res_type = 'AuditEvent'");
    }

    long countPendingTrail(String origin) {
        Optional<Origins.Origin> o = cache.origins().find(origin);
        return o.isEmpty() ? 0 : count("SELECT COUNT(*) FROM outbox WHERE state IN ('PENDING', 'SENDING') AND "
                + "res_type = 'AuditEvent' AND origin_id = " + o.get().id());
    }

    long countNeedingAttention() {
        return count("SELECT COUNT(*) FROM outbox WHERE state IN ('CONFLICT', 'FAILED')");
    }

    /** How many entries of this origin are open (not sent, not discarded). */
    long countOpen(Connection c, int originId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE origin_id = ? AND state "
                + "NOT IN ('SENT', 'DISCARDED')")) {
            ps.setInt(1, originId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    List<Entry> query(String sql, Object... params) {
        List<Entry> out = new ArrayList<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), cache.origins().nameOf(rs.getInt(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getObject(6, Long.class), rs.getString(7),
                            rs.getLong(8), rs.getLong(9), Status.valueOf(rs.getString(10)), rs.getInt(11),
                            rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15)));
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the outbox failed: " + e.getMessage(), e);
        }
        return out;
    }

    private long count(String sql) {
        try (Connection c = cache.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new CacheException("Reading the outbox failed: " + e.getMessage(), e);
        }
    }
}
