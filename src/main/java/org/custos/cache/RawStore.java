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

    /**
     * Takes the texts of removed events off these blocks: a block no row refers to any more is deleted, a block some
     * rows still use is written again with the removed slots empty (the others keep their slots). Run in the
     * transaction that removed the rows; the old bytes leave the file when H2 rewrites it ({@code custos compact}).
     */
    void tidy(Connection c, java.util.Collection<Long> blocks) throws SQLException {
        try (PreparedStatement used = c.prepareStatement("SELECT raw_slot FROM audit_event WHERE raw_block = ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM audit_raw_block WHERE id = ?");
             PreparedStatement upd = c.prepareStatement("UPDATE audit_raw_block SET data = ? WHERE id = ?")) {
            for (long block : blocks) {
                java.util.Set<Integer> slots = new java.util.HashSet<>();
                used.setLong(1, block);
                try (ResultSet rs = used.executeQuery()) {
                    while (rs.next()) {
                        slots.add(rs.getInt(1));
                    }
                }
                synchronized (decoded) {
                    decoded.remove(block);
                }
                if (slots.isEmpty()) {
                    del.setLong(1, block);
                    del.executeUpdate();
                    continue;
                }
                List<String> texts;
                try (PreparedStatement ps = c.prepareStatement("SELECT data FROM audit_raw_block WHERE id = ?")) {
                    ps.setLong(1, block);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        texts = RawBlocks.unpack(rs.getBytes(1));
                    }
                }
                List<byte[]> kept = new java.util.ArrayList<>(texts.size());
                boolean removed = false;
                for (int i = 0; i < texts.size(); i++) {
                    boolean keep = slots.contains(i);
                    removed |= !keep && !texts.get(i).isEmpty();
                    kept.add(keep ? texts.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8) : new byte[0]);
                }
                if (removed) {
                    upd.setBytes(1, RawBlocks.packUtf8(kept));
                    upd.setLong(2, block);
                    upd.executeUpdate();
                }
            }
        }
    }

    /** The stored bytes (UTF-8) of one text, for fingerprints. */
    byte[] readBytes(Connection c, long block, int slot) throws SQLException {
        return read(c, block, slot).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The stored bytes (UTF-8) of every text of one block, read past the kept decoded blocks: for a pass over all
     * events (verify), which reads each block once, in order.
     */
    byte[][] blockBytes(Connection c, long block) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT data FROM audit_raw_block WHERE id = ?")) {
            ps.setLong(1, block);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new CacheException("The cache lost a block of raw resources (" + block + ")");
                }
                return RawBlocks.unpackUtf8(rs.getBytes(1));
            }
        }
    }

    /** The text of the AuditEvent that {@code where} (on audit_event e, with these parameters) finds. */
    java.util.Optional<String> textOf(Connection c, String where, Object... keys) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT e.raw_block, e.raw_slot FROM audit_event e WHERE "
                + where)) {
            for (int i = 0; i < keys.length; i++) {
                ps.setObject(i + 1, keys[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(read(c, rs.getLong(1), rs.getInt(2))) : java.util.Optional.empty();
            }
        }
    }
}
