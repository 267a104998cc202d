package org.custos.cache;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fingerprint encoding: typed, length-prefixed, the same bytes whatever the text (ASCII or not). */
class LeafTest {
    /** The encoding written out the plain way, value by value. */
    private static byte[] reference(String table, Object... values) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object[] all = new Object[values.length + 1];
        all[0] = table;
        System.arraycopy(values, 0, all, 1, values.length);
        for (Object v : all) {
            if (v == null) {
                out.write(0);
            } else if (v instanceof Number n) {
                out.write(1);
                out.write(ByteBuffer.allocate(8).putLong(n.longValue()).array());
            } else if (v instanceof String s) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.write(2);
                out.write(ByteBuffer.allocate(4).putInt(b.length).array());
                out.write(b);
            } else {
                byte[] b = (byte[]) v;
                out.write(3);
                out.write(ByteBuffer.allocate(4).putInt(b.length).array());
                out.write(b);
            }
        }
        return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()), Leaf.SIZE);
    }

    @Test
    void theEncodingIsTypedAndLengthPrefixedForAnyText() throws Exception {
        Random r = new Random(3);
        Leaf leaf = new Leaf();
        for (int round = 0; round < 300; round++) {
            StringBuilder s = new StringBuilder();
            int n = r.nextInt(round < 10 ? 3 : 5000);
            for (int i = 0; i < n; i++) {
                int kind = r.nextInt(12);
                // ASCII, two-byte, three-byte (up to U+FFFF, the surrogates and U+FFFF itself included), a pair
                // whole, or one half of a pair alone
                s.append(kind < 6 ? (char) (32 + r.nextInt(95)) : kind < 8 ? (char) (0xA0 + r.nextInt(0x760))
                        : kind < 10 ? (char) (0x800 + r.nextInt(0x10000 - 0x800)) : kind < 11 ? "\uD83D\uDE00"
                        : "\uD83D\uDE00".charAt(r.nextInt(2)));
            }
            byte[] raw = new byte[r.nextInt(3000)];
            r.nextBytes(raw);
            Object[] values = {r.nextInt(), s.toString(), null, (long) r.nextLong(), "", raw};
            assertThat(leaf.start("audit_event").addAll(values).finish())
                    .isEqualTo(reference("audit_event", values));
        }
        // a value moved from one field to the next is another fingerprint (the lengths are part of it)
        assertThat(leaf.start("t").addAll(new Object[]{"ab", "c"}).finish())
                .isNotEqualTo(leaf.start("t").addAll(new Object[]{"a", "bc"}).finish());
        assertThat(leaf.start("t").addAll(new Object[]{null}).finish())
                .isNotEqualTo(leaf.start("t").addAll(new Object[]{""}).finish());
    }
}
