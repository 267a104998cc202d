package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The raw AuditEvent texts, one compressed block per import batch, with a few recently read blocks kept decoded. */
final class RawStore {
    private static final int DECODED_BLOCKS = 8;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, List<String>> decoded = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<String>> e) {
            return size() > DECODED_BLOCKS;
        }
    };

    void init(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(id), 0) FROM audit_raw_block")) {
            rs.next();
            nextId.set(rs.getLong(1) + 1);
        }
    }

    /** Stores a block made by {@link RawBlocks#packUtf8} and returns its id; text i is then at slot i. */
    long write(Connection c, byte[] block) throws SQLException {
        long id = nextId.getAndIncrement();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_raw_block (id, data) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setBytes(2, block);
            ps.executeUpdate();
        }
        return id;
    }

    String read(Connection c, long block, int slot) throws SQLException {
        List<String> texts;
        synchronized (decoded) {
            texts = decoded.get(block);
        }
        if (texts == null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM audit_raw_block WHERE id = ?")) {
                ps.setLong(1, block);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new CacheException("The cache lost a block of raw resources (" + block + ")");
                    }
                    texts = RawBlocks.unpack(rs.getBytes(1));
                }
            }
            synchronized (decoded) {
                decoded.put(block, texts);
            }
        }
        return texts.get(slot);
    }

    /** The text of the AuditEvent that {@code where} (on audit_event e, one parameter) finds. */
    java.util.Optional<String> textOf(Connection c, String where, Object key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT e.raw_block, e.raw_slot FROM audit_event e WHERE "
                + where)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(read(c, rs.getLong(1), rs.getInt(2))) : java.util.Optional.empty();
            }
        }
    }
}
