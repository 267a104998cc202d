package org.custos.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The check of a child index (patient, purpose): a 128-bit sum over (event key, index key) hashes, computed once from
 * the index rows and once from what the events name; equal sums mean the same multiset of rows (finding two
 * different multisets with the same sum takes ~2^64 work).
 */
final class IndexSums {
    private IndexSums() {
    }

    /** The sum over every row of {@code table} (columns event_pk, k). */
    static long[] sumOf(Connection c, MessageDigest sha, String table) throws SQLException {
        long[] sum = new long[2];
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT event_pk, k FROM " + table)) {
            while (rs.next()) {
                add(sum, keyHash(sha, rs.getLong(1), rs.getString(2)));
            }
        }
        return sum;
    }

    static long[] keyHash(MessageDigest sha, long pk, String key) {
        sha.reset();
        sha.update(ByteBuffer.allocate(8).putLong(pk).array());
        sha.update(key.getBytes(StandardCharsets.UTF_8));
        ByteBuffer d = ByteBuffer.wrap(sha.digest());
        return new long[]{d.getLong(), d.getLong()};
    }

    /** 128-bit sum (two 64-bit halves with carry). */
    static void add(long[] sum, long[] h) {
        long lo = sum[1] + h[1];
        long carry = Long.compareUnsigned(lo, sum[1]) < 0 ? 1 : 0;
        sum[1] = lo;
        sum[0] += h[0] + carry;
    }

    static List<String> parts(String keys) {
        if (keys == null || keys.length() < 2) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String k : keys.substring(1, keys.length() - 1).split("\\|", -1)) {
            if (!k.isEmpty()) {
                out.add(k);
            }
        }
        return out;
    }
}
