package org.custos.cache;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What exists only in this cache and no server can give back: the outbox (edits not sent, and the record of those
 * sent), the review (alerts with their status, investigations, notes), the rules, VIPs, saved searches, the
 * disclosure definition, and Custos's own audit trail. Written as one JSON document a person can read, before a
 * cache is encrypted (so a lost key loses nothing a new sync cannot bring back) or at any time.
 * <p>
 * The cache's own row numbers mean nothing elsewhere, so what points at synced data names it as the servers do: a
 * server by its base URL ({@code origin}), an AuditEvent by server, id and version ({@code event}). Ids among the
 * exported rows themselves (an alert's case, a note's alert) are kept as they are, consistent within the document.
 */
public final class LocalData {
    /** The tables exported, in this order. */
    static final List<String> TABLES = List.of("outbox", "review_case", "review_case_event", "alert", "alert_event",
            "review_note", "alert_rule", "vip", "saved_search", "report_setting");

    private final Cache cache;

    public LocalData(Cache cache) {
        this.cache = cache;
    }

    /** What {@link #export} wrote: rows per table, and the own trail's events. */
    public record Written(Map<String, Integer> rows, int trailEvents) {
        public int total() {
            return rows.values().stream().mapToInt(Integer::intValue).sum() + trailEvents;
        }
    }

    /** Writes the local-only data to {@code out} (UTF-8 JSON; {@code out} is not closed). */
    public Written export(OutputStream out) {
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> rows = new LinkedHashMap<>();
        int trail = 0;
        try (Connection c = cache.connection();
             JsonGenerator g = new JsonFactory(json).createGenerator(out, JsonEncoding.UTF8)) {
            // one snapshot for all the tables (an alert and its events, a case and its notes, read together)
            // (H2's SERIALIZABLE: every table's snapshot taken at the first statement; REPEATABLE READ would take
            // each table's at its own first read)
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            try {
                trail = writeAll(c, g, json, rows);
            } finally {
                try {
                    c.rollback();
                    c.setTransactionIsolation(isolation);
                    c.setAutoCommit(true);
                } catch (SQLException e) {
                    c.close(); // the pool then does not hand this connection on as it is
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache for the export failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CacheException("Writing the export failed: " + e.getMessage(), e);
        }
        return new Written(rows, trail);
    }

    private int writeAll(Connection c, JsonGenerator g, ObjectMapper json, Map<String, Integer> rows)
            throws SQLException, IOException {
        int trail = 0;
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
        Map<Integer, String> origins = new HashMap<>();
        for (Origins.Origin o : cache.origins().all()) {
            origins.put(o.id(), o.name());
        }
        g.writeStartObject();
        g.writeStringField("custosLocalData", "1");
        g.writeStringField("exported", Instant.now().toString());
        g.writeStringField("cache", cache.file().toString());
        g.writeStringField("note", "Rows that exist only in this cache. origin: the server (base URL) or file a "
                + "row belongs to; event: an AuditEvent named by origin, id and version.");
        g.writeObjectFieldStart("tables");
        try (PreparedStatement event = c.prepareStatement(
                "SELECT origin_id, res_id, version_id FROM audit_event WHERE pk = ?")) {
            for (String table : TABLES) {
                g.writeArrayFieldStart(table);
                rows.put(table, writeTable(c, table, g, origins, event));
                g.writeEndArray();
            }
        }
        g.writeEndObject();
        g.writeArrayFieldStart("ownTrail");
        Integer self = cache.origins().selfId().orElse(null);
        if (self != null) {
            trail = writeTrail(c, self, g, json);
        }
        g.writeEndArray();
        g.writeEndObject();
        return trail;
    }

    private static int writeTable(Connection c, String table, JsonGenerator g, Map<Integer, String> origins,
                                  PreparedStatement event) throws SQLException, IOException {
        int n = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                g.writeStartObject();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String column = md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
                    Object v = rs.getObject(i);
                    if (v == null) {
                        g.writeNullField(column);
                    } else if (column.equals("origin_id")) {
                        g.writeStringField("origin", origins.getOrDefault(((Number) v).intValue(), "?" + v));
                    } else if (column.equals("event_pk")) {
                        writeEvent(g, ((Number) v).longValue(), origins, event);
                    } else if (v instanceof Number num && md.getColumnType(i) != Types.DECIMAL) {
                        g.writeNumberField(column, num.longValue());
                    } else if (v instanceof Boolean b) {
                        g.writeBooleanField(column, b);
                    } else {
                        g.writeStringField(column, v.toString());
                    }
                }
                g.writeEndObject();
                n++;
            }
        }
        return n;
    }

    private static void writeEvent(JsonGenerator g, long pk, Map<Integer, String> origins, PreparedStatement event)
            throws SQLException, IOException {
        event.setLong(1, pk);
        try (ResultSet rs = event.executeQuery()) {
            g.writeObjectFieldStart("event");
            if (rs.next()) {
                g.writeStringField("origin", origins.getOrDefault(rs.getInt(1), "?" + rs.getInt(1)));
                g.writeStringField("id", rs.getString(2));
                g.writeStringField("version", rs.getString(3));
            } else {
                g.writeStringField("missing", "no longer in the cache");
            }
            g.writeEndObject();
        }
    }

    private int writeTrail(Connection c, int self, JsonGenerator g, ObjectMapper json)
            throws SQLException, IOException {
        int n = 0;
        long after = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, raw_block, raw_slot FROM audit_event "
                + "WHERE origin_id = ? AND pk > ? ORDER BY pk LIMIT 1000")) {
            ps.setInt(1, self);
            while (true) {
                ps.setLong(2, after);
                int batch = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getLong(1);
                        g.writeTree(json.readTree(cache.audit().raws().read(c, rs.getLong(2), rs.getInt(3))));
                        batch++;
                        n++;
                    }
                }
                if (batch < 1000) {
                    return n;
                }
            }
        }
    }
}
