package org.custos.cache;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RawBlocksTest {
    private static final List<String> TEXTS = List.of("{\"resourceType\":\"AuditEvent\",\"id\":\"a\"}", "",
            "{\"resourceType\":\"AuditEvent\",\"id\":\"b\",\"text\":\"Zoë ✓ 𝄞\"}", "x".repeat(100_000));

    @Test
    void textsComeBackInTheirSlots() {
        byte[] block = pack(TEXTS);
        assertEquals('L', block[0]);
        assertEquals(TEXTS, RawBlocks.unpack(block));
        // repetitive JSON shrinks
        assertEquals(true, block.length < 10_000, "block of " + block.length + " bytes");
    }

    @Test
    void blocksDeflatedByEarlierVersionsAreStillRead() throws Exception {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(packed,
                new Deflater(Deflater.BEST_SPEED)))) {
            out.writeInt(TEXTS.size());
            for (String t : TEXTS) {
                out.writeInt(t.getBytes(StandardCharsets.UTF_8).length);
            }
            for (String t : TEXTS) {
                out.write(t.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] old = packed.toByteArray();
        assertEquals(0x78, old[0] & 0xff);
        assertEquals(TEXTS, RawBlocks.unpack(old));
    }

    /** {@code plain} (count, lengths, texts) as an LZ4 block of the layout {@code like} has. */
    private static byte[] repack(byte[] plain, byte[] like) {
        net.jpountz.lz4.LZ4Compressor lz4 = net.jpountz.lz4.LZ4Factory.fastestJavaInstance().fastCompressor();
        byte[] out = new byte[5 + lz4.maxCompressedLength(plain.length)];
        out[0] = like[0];
        java.nio.ByteBuffer.wrap(out, 1, 4).putInt(plain.length);
        int n = lz4.compress(plain, 0, plain.length, out, 5, out.length - 5);
        return java.util.Arrays.copyOf(out, 5 + n);
    }

    @Test
    void damagedBlocksAreACacheErrorNotACrash() {
        byte[] block = pack(TEXTS);
        byte[] cut = java.util.Arrays.copyOf(block, block.length / 2);
        CacheException e = assertThrows(CacheException.class, () -> RawBlocks.unpack(cut));
        assertEquals(true, e.getMessage().contains("raw block"), e.getMessage());
        assertThrows(CacheException.class, () -> RawBlocks.unpack(new byte[0]));
        assertThrows(CacheException.class, () -> RawBlocks.unpack(new byte[] {'L', 0, 0}));
        byte[] garbage = new byte[64];
        garbage[0] = 0x78;
        assertThrows(CacheException.class, () -> RawBlocks.unpack(garbage));
        // a length damaged to ask for gigabytes (or a negative one) is refused before anything is allocated
        for (int bad : new int[]{0x7FFFFFF0, -5, 1 << 20}) {
            java.nio.ByteBuffer plain = java.nio.ByteBuffer.allocate(4 + 4 + 4).putInt(1).putInt(bad).putInt(0);
            byte[] damaged = RawBlocks.packUtf8(List.of(new byte[4]));
            // the same layout, packed: count 1, the damaged length, four bytes
            byte[] repacked = repack(plain.array(), damaged);
            assertThrows(CacheException.class, () -> RawBlocks.unpackUtf8(repacked), "length " + bad);
        }
        assertArrayEquals(block, pack(TEXTS), "packing is deterministic");
    }

    private static byte[] pack(List<String> texts) {
        return RawBlocks.packUtf8(texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList());
    }
}
