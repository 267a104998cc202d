package org.custos.cache;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The raw texts of one import batch stored as one compressed block: far less work for H2 than a row per resource,
 * and a third of the bytes. Plain layout: count, each text's UTF-8 length, then the texts. Written as
 * {@code 'L'}, the plain length and the LZ4 block (an import packs it on its parsing thread, see
 * {@link AuditStore#batch}); blocks written by earlier versions are zlib (deflate) streams, which start with 0x78,
 * and are still read.
 */
final class RawBlocks {
    private static final byte LZ4_MARK = 'L';
    private static final LZ4Factory LZ4 = LZ4Factory.fastestJavaInstance();

    private RawBlocks() {
    }

    /** One block of the texts (UTF-8), in their order: text i is then at slot i. */
    static byte[] packUtf8(List<byte[]> bytes) {
        int plainLength = 4 + 4 * bytes.size();
        for (byte[] b : bytes) {
            plainLength += b.length;
        }
        ByteBuffer plain = ByteBuffer.allocate(plainLength);
        plain.putInt(bytes.size());
        for (byte[] b : bytes) {
            plain.putInt(b.length);
        }
        for (byte[] b : bytes) {
            plain.put(b);
        }
        LZ4Compressor lz4 = LZ4.fastCompressor();
        byte[] out = new byte[5 + lz4.maxCompressedLength(plainLength)];
        out[0] = LZ4_MARK;
        ByteBuffer.wrap(out, 1, 4).putInt(plainLength);
        int n = lz4.compress(plain.array(), 0, plainLength, out, 5, out.length - 5);
        return java.util.Arrays.copyOf(out, 5 + n);
    }

    static List<String> unpack(byte[] block) {
        byte[][] texts = unpackUtf8(block);
        List<String> out = new ArrayList<>(texts.length);
        for (byte[] t : texts) {
            out.add(new String(t, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The texts of a block as their stored bytes (UTF-8), in slot order. */
    static byte[][] unpackUtf8(byte[] block) {
        if (block.length == 0) {
            throw new CacheException("A raw block in the cache is empty");
        }
        ByteBuffer plain = ByteBuffer.wrap(block[0] == LZ4_MARK ? lz4(block) : inflate(block));
        try {
            int count = plain.getInt();
            if (count < 0 || count > plain.remaining() / 4) {
                throw new IllegalArgumentException("count " + count);
            }
            int[] lengths = new int[count];
            long total = 0;
            for (int i = 0; i < count; i++) {
                lengths[i] = plain.getInt();
                if (lengths[i] < 0) {
                    throw new IllegalArgumentException("length " + lengths[i]);
                }
                total += lengths[i];
            }
            // checked before anything is allocated: a damaged length must not ask for gigabytes
            if (total > plain.remaining()) {
                throw new IllegalArgumentException("lengths " + total + " past the block's " + plain.remaining());
            }
            byte[][] out = new byte[count][];
            for (int i = 0; i < count; i++) {
                out[i] = new byte[lengths[i]];
                plain.get(out[i]);
            }
            return out;
        } catch (RuntimeException e) {
            throw new CacheException("A raw block in the cache cannot be read: its layout is damaged", e);
        }
    }

    private static byte[] lz4(byte[] block) {
        if (block.length < 5) {
            throw new CacheException("A raw block in the cache is truncated");
        }
        int plainLength = ByteBuffer.wrap(block, 1, 4).getInt();
        if (plainLength < 4 || plainLength > 1 << 30) {
            throw new CacheException("A raw block in the cache has a damaged header");
        }
        byte[] plain = new byte[plainLength];
        try {
            int n = LZ4.safeDecompressor().decompress(block, 5, block.length - 5, plain, 0, plainLength);
            if (n != plainLength) {
                throw new CacheException("A raw block in the cache is truncated");
            }
        } catch (LZ4Exception e) {
            throw new CacheException("A raw block in the cache cannot be read: " + e.getMessage(), e);
        }
        return plain;
    }

    private static byte[] inflate(byte[] block) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(block);
            ByteArrayOutputStream plain = new ByteArrayOutputStream(block.length * 4);
            byte[] buf = new byte[1 << 16];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new CacheException("A raw block in the cache is truncated");
                }
                plain.write(buf, 0, n);
            }
            return plain.toByteArray();
        } catch (DataFormatException e) {
            throw new CacheException("A raw block in the cache cannot be read: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
