package org.custos.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The encrypted file under an encrypted cache: what is written reads back byte for byte (aligned or not, across
 * blocks, after reopening, after truncation), a gap reads as zeros, a changed or moved block fails the read (in
 * H2's store headers it reads as zeros) and is counted, another key is refused, and the file names its key's id.
 */
class EncryptedChannelTest {
    @TempDir
    Path dir;

    private final CacheKey key = CacheKey.random();
    private final AtomicLong damaged = new AtomicLong();

    private EncryptedChannel open(Path file, CacheKey k) throws Exception {
        return new EncryptedChannel(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), k.secretKey(), k.id(), file.toString(), new SecureRandom(), damaged);
    }

    /** A new file sealed with AES-GCM, as every file was before OCB3. */
    private EncryptedChannel openAsBefore(Path file) throws Exception {
        return new EncryptedChannel(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), key.secretKey(), key.id(), file.toString(), new SecureRandom(), damaged,
                EncryptedHeader.Format.GCM);
    }

    /**
     * A file made before OCB3 (AES-GCM) stays in its format: read back after reopening, written on (new blocks sealed
     * the same way, the file still readable as a whole), a changed or moved block failing its read. New files are
     * OCB3.
     */
    @Test
    void aFileSealedWithGcmAsBeforeIsReadWrittenAndCheckedInItsOwnFormat() throws Exception {
        Path file = dir.resolve("gcm");
        byte[] data = new byte[20 * 1024];
        new Random(11).nextBytes(data);
        try (EncryptedChannel c = openAsBefore(file)) {
            c.write(ByteBuffer.wrap(data, 0, 16 * 1024), 0);
        }
        assertThat(EncryptedHeader.formatOf(file)).contains(EncryptedHeader.Format.GCM);
        try (EncryptedChannel c = open(file, key)) { // opened as the cache opens it
            assertThat(c.format()).isEqualTo(EncryptedHeader.Format.GCM);
            assertThat(read(c, 0, 16 * 1024)).isEqualTo(Arrays.copyOf(data, 16 * 1024));
            c.write(ByteBuffer.wrap(data, 16 * 1024, 4 * 1024), 16 * 1024);
            c.write(ByteBuffer.wrap(new byte[] {data[100]}), 100); // part of a block: completed from what it held
        }
        try (EncryptedChannel c = open(file, key)) {
            assertThat(read(c, 0, data.length)).isEqualTo(data);
        }
        assertThat(EncryptedHeader.formatOf(file)).contains(EncryptedHeader.Format.GCM);
        assertThat(EncryptedHeader.keyIdOf(file)).contains(key.id());
        assertThat(damaged.get()).isZero();

        flipByte(file, EncryptedChannel.HEADER + 17L * EncryptedChannel.SLOT + 300);
        try (EncryptedChannel c = open(file, key)) {
            assertThatThrownBy(() -> read(c, 17 * 1024, 10))
                    .isInstanceOf(EncryptedChannel.DamagedBlockException.class).hasMessageContaining("block 17");
            assertThat(read(c, 18 * 1024, 1024)).isEqualTo(Arrays.copyOfRange(data, 18 * 1024, 19 * 1024));
        }
        assertThat(damaged.get()).isEqualTo(1);
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer a = ByteBuffer.allocate(EncryptedChannel.SLOT);
            raw.read(a, EncryptedChannel.HEADER + 12L * EncryptedChannel.SLOT);
            raw.write(a.flip(), EncryptedChannel.HEADER + 13L * EncryptedChannel.SLOT);
        }
        try (EncryptedChannel c = open(file, key)) {
            assertThatThrownBy(() -> read(c, 13 * 1024, 10)).isInstanceOf(EncryptedChannel.DamagedBlockException.class);
        }
        assertThatThrownBy(() -> open(file, CacheKey.random())).isInstanceOf(EncryptedChannel.WrongKeyException.class)
                .hasMessageContaining("another key");

        // a slot with only its nonce and tag zeroed is not taken for one never written
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.WRITE)) {
            raw.write(ByteBuffer.allocate(EncryptedChannel.NONCE), EncryptedChannel.HEADER + 15L * EncryptedChannel.SLOT);
            raw.write(ByteBuffer.allocate(EncryptedChannel.TAG), EncryptedChannel.HEADER + 15L * EncryptedChannel.SLOT
                    + EncryptedChannel.NONCE + EncryptedChannel.BLOCK);
        }
        try (EncryptedChannel c = open(file, key)) {
            assertThatThrownBy(() -> read(c, 15 * 1024, 10)).isInstanceOf(EncryptedChannel.DamagedBlockException.class);
        }

        Path fresh = dir.resolve("new");
        try (EncryptedChannel c = open(fresh, key)) {
            assertThat(c.format()).isEqualTo(EncryptedHeader.Format.OCB);
            c.write(ByteBuffer.wrap(data), 0);
        }
        assertThat(EncryptedHeader.formatOf(fresh)).contains(EncryptedHeader.Format.OCB);
        assertThat(EncryptedHeader.formatOf(dir.resolve("gcm"))).contains(EncryptedHeader.Format.GCM);
    }

    private static byte[] read(FileChannel c, long pos, int len) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (c.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void whatIsWrittenReadsBackAlignedOrNotAndAfterReopening() throws Exception {
        Path file = dir.resolve("f");
        Random r = new Random(7);
        byte[] model = new byte[64 * 1024];
        long size = 0;
        try (EncryptedChannel c = open(file, key)) {
            for (int i = 0; i < 400; i++) {
                int pos = r.nextInt(model.length - 5000);
                int len = 1 + r.nextInt(i % 3 == 0 ? 4096 : 300);
                if (i % 5 == 0) {
                    pos = pos / 4096 * 4096; // H2's usual: whole 4 KiB blocks
                    len = 4096;
                }
                byte[] data = new byte[len];
                r.nextBytes(data);
                c.write(ByteBuffer.wrap(data), pos);
                System.arraycopy(data, 0, model, pos, len);
                size = Math.max(size, pos + len);
                int at = r.nextInt((int) size);
                int n = Math.min(1 + r.nextInt(3000), (int) size - at);
                assertThat(read(c, at, n)).isEqualTo(Arrays.copyOfRange(model, at, at + n));
            }
            assertThat(c.size()).isGreaterThanOrEqualTo(size).isLessThan(size + EncryptedChannel.BLOCK);
        }
        byte[] raw = Files.readAllBytes(file);
        assertThat(raw.length).isGreaterThan((int) size);
        try (EncryptedChannel c = open(file, key)) {
            assertThat(read(c, 0, (int) size)).isEqualTo(Arrays.copyOf(model, (int) size));
            assertThat(c.size()).isEqualTo(EncryptedChannel.logicalSize(raw.length));
            // truncated to a block boundary: the rest is gone, the start unchanged
            c.truncate(8192);
            assertThat(c.size()).isEqualTo(8192);
            assertThat(read(c, 0, 9000)).isEqualTo(Arrays.copyOf(model, 8192));
        }
        assertThat(damaged.get()).isZero();
    }

    @Test
    void aGapReadsAsZerosAndAChangedBlockInTheStoreHeadersReadsAsZerosAndIsCounted() throws Exception {
        Path file = dir.resolve("g");
        byte[] block = new byte[4096];
        Arrays.fill(block, (byte) 'x');
        try (EncryptedChannel c = open(file, key)) {
            c.write(ByteBuffer.wrap(block), 0);
            c.write(ByteBuffer.wrap(block), 5 * 4096); // blocks 1..4 (of 4 KiB) never written
            assertThat(read(c, 0, 4096)).containsOnly((byte) 'x'); // the read buffers are reused: now full of x
            assertThat(read(c, 4096, 4096)).isEqualTo(new byte[4096]);
            assertThat(read(c, 4000, 200)).isEqualTo(readOf(block, 96));
        }
        assertThat(damaged.get()).isZero();
        // one byte changed in the second 1 KiB block's ciphertext
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = EncryptedChannel.HEADER + EncryptedChannel.SLOT + 100;
            ByteBuffer one = ByteBuffer.allocate(1);
            raw.read(one, at);
            raw.write(ByteBuffer.wrap(new byte[]{(byte) (one.get(0) ^ 1)}), at);
        }
        try (EncryptedChannel c = open(file, key)) {
            byte[] first = read(c, 0, 4096);
            assertThat(Arrays.copyOfRange(first, 0, 1024)).containsOnly((byte) 'x');
            assertThat(Arrays.copyOfRange(first, 1024, 2048)).containsOnly((byte) 0);
            assertThat(Arrays.copyOfRange(first, 2048, 4096)).containsOnly((byte) 'x');
        }
        assertThat(damaged.get()).isEqualTo(1);
    }

    /** {@code xs} bytes of {@code block}'s content, then zeros to 200. */
    private static byte[] readOf(byte[] block, int xs) {
        byte[] b = new byte[200];
        System.arraycopy(block, 0, b, 0, xs);
        return b;
    }

    private static void flipByte(Path file, long at) throws Exception {
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            raw.read(one, at);
            raw.write(ByteBuffer.wrap(new byte[]{(byte) (one.get(0) ^ 1)}), at);
        }
    }

    @Test
    void aChangedOrMovedBlockPastTheStoreHeadersFailsTheReadAndIsNeverReadAsData() throws Exception {
        Path file = dir.resolve("h");
        byte[] data = new byte[16 * 1024];
        new Random(3).nextBytes(data);
        try (EncryptedChannel c = open(file, key)) {
            c.write(ByteBuffer.wrap(data), 0);
        }
        // one byte of the 11th 1 KiB block (past the 8 KiB of H2's store headers)
        flipByte(file, EncryptedChannel.HEADER + 10L * EncryptedChannel.SLOT + 50);
        try (EncryptedChannel c = open(file, key)) {
            assertThat(read(c, 0, 8192)).isEqualTo(Arrays.copyOf(data, 8192));
            assertThatThrownBy(() -> read(c, 10 * 1024 + 100, 10))
                    .isInstanceOf(EncryptedChannel.DamagedBlockException.class).hasMessageContaining("block 10");
        }
        assertThat(damaged.get()).isEqualTo(1);

        // changed outside Custos while the channel is open: the next read of it fails (nothing is kept opened)
        Path open = dir.resolve("o");
        try (EncryptedChannel c = open(open, key)) {
            c.write(ByteBuffer.wrap(data), 0);
            assertThat(read(c, 10 * 1024, 1024)).isEqualTo(Arrays.copyOfRange(data, 10 * 1024, 11 * 1024));
            flipByte(open, EncryptedChannel.HEADER + 10L * EncryptedChannel.SLOT + 50);
            assertThatThrownBy(() -> read(c, 10 * 1024, 1024))
                    .isInstanceOf(EncryptedChannel.DamagedBlockException.class).hasMessageContaining("block 10");
        }
        assertThat(damaged.get()).isEqualTo(2);

        // two intact blocks swapped: each fails where it now is (its number is sealed with it)
        Path moved = dir.resolve("m");
        try (EncryptedChannel c = open(moved, key)) {
            c.write(ByteBuffer.wrap(data), 0);
        }
        try (FileChannel raw = FileChannel.open(moved, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer a = ByteBuffer.allocate(EncryptedChannel.SLOT);
            ByteBuffer b = ByteBuffer.allocate(EncryptedChannel.SLOT);
            raw.read(a, EncryptedChannel.HEADER + 12L * EncryptedChannel.SLOT);
            raw.read(b, EncryptedChannel.HEADER + 13L * EncryptedChannel.SLOT);
            raw.write(b.flip(), EncryptedChannel.HEADER + 12L * EncryptedChannel.SLOT);
            raw.write(a.flip(), EncryptedChannel.HEADER + 13L * EncryptedChannel.SLOT);
        }
        try (EncryptedChannel c = open(moved, key)) {
            assertThatThrownBy(() -> read(c, 12 * 1024, 10)).isInstanceOf(EncryptedChannel.DamagedBlockException.class);
            assertThatThrownBy(() -> read(c, 13 * 1024, 10)).isInstanceOf(EncryptedChannel.DamagedBlockException.class);
            assertThat(read(c, 14 * 1024, 1024)).isEqualTo(Arrays.copyOfRange(data, 14 * 1024, 15 * 1024));
        }
    }

    /**
     * A slot whose nonce and tag were zeroed (not the whole slot) fails its read rather than reading as a gap; a
     * format line changed from OCB3 to AES-GCM fails the header's check (the line is sealed with it).
     */
    @Test
    void aSlotWithOnlyItsNonceAndTagZeroedFailsAndAnEditedFormatLineIsRefused() throws Exception {
        Path file = dir.resolve("z");
        byte[] data = new byte[16 * 1024];
        new Random(9).nextBytes(data);
        try (EncryptedChannel c = open(file, key)) {
            c.write(ByteBuffer.wrap(data), 0);
        }
        long slot = EncryptedChannel.HEADER + 11L * EncryptedChannel.SLOT;
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.WRITE)) {
            raw.write(ByteBuffer.allocate(EncryptedChannel.NONCE), slot);
            raw.write(ByteBuffer.allocate(EncryptedChannel.TAG), slot + EncryptedChannel.NONCE + EncryptedChannel.BLOCK);
        }
        try (EncryptedChannel c = open(file, key)) {
            assertThat(c.format()).isEqualTo(EncryptedHeader.Format.OCB);
            assertThatThrownBy(() -> read(c, 11 * 1024, 10))
                    .isInstanceOf(EncryptedChannel.DamagedBlockException.class).hasMessageContaining("block 11");
            assertThat(read(c, 12 * 1024, 1024)).isEqualTo(Arrays.copyOfRange(data, 12 * 1024, 13 * 1024));
        }
        // the whole slot zeroed reads as a gap H2 left: a limit the README names
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.WRITE)) {
            raw.write(ByteBuffer.allocate(EncryptedChannel.SLOT), slot);
        }
        try (EncryptedChannel c = open(file, key)) {
            assertThat(read(c, 11 * 1024, 1024)).containsOnly(0);
        }

        byte[] header = new byte[EncryptedHeader.LENGTH];
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            raw.read(ByteBuffer.wrap(header), 0);
            String line = new String(header, 0, 60, java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(line).startsWith("Custos encrypted cache (AES-256-OCB, 1 KiB blocks) v2\n");
            byte[] older = "Custos encrypted cache (AES-256-GCM, 1 KiB blocks) v1\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            raw.write(ByteBuffer.wrap(older), 0);
        }
        assertThat(EncryptedHeader.formatOf(file)).contains(EncryptedHeader.Format.GCM);
        assertThatThrownBy(() -> open(file, key)).isInstanceOf(EncryptedChannel.WrongKeyException.class);
    }

    /**
     * The blocks are sealed under {@link Ocb#blockKey} of the cache's key, not under the key itself: a slot the channel
     * wrote opens with that key and the block's number, and not with the cache's key. The derived key of a fixed key
     * is pinned (computed apart from Java, with Python's hmac), so the format cannot drift unnoticed.
     */
    @Test
    void theBlocksAreSealedUnderAKeyOfTheirOwnWhichIsPinned() throws Exception {
        Path file = dir.resolve("k");
        byte[] data = new byte[4096];
        new Random(4).nextBytes(data);
        try (EncryptedChannel c = open(file, key)) {
            c.write(ByteBuffer.wrap(data), 0);
        }
        byte[] slot = new byte[EncryptedChannel.SLOT];
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.READ)) {
            raw.read(ByteBuffer.wrap(slot), EncryptedChannel.HEADER + 2L * EncryptedChannel.SLOT);
        }
        byte[] number = {0, 0, 0, 0, 0, 0, 0, 2};
        byte[] out = new byte[EncryptedChannel.BLOCK];
        assertThat(new Ocb(Ocb.blockKey(key.secretKey())).open(slot, 0, number, 0, 8, slot, EncryptedChannel.NONCE,
                EncryptedChannel.BLOCK + EncryptedChannel.TAG, out, 0)).isTrue();
        assertThat(out).isEqualTo(Arrays.copyOfRange(data, 2048, 3072));
        assertThat(new Ocb(key.secretKey()).open(slot, 0, number, 0, 8, slot, EncryptedChannel.NONCE,
                EncryptedChannel.BLOCK + EncryptedChannel.TAG, out, 0)).isFalse();
        CacheKey fixed = CacheKey.of("030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc");
        assertThat(java.util.HexFormat.of().formatHex(Ocb.blockKey(fixed.secretKey()).getEncoded()))
                .isEqualTo("88d129318a66d817273e8e0bb16f495c043b58741141473e8a887a9fad561ceb");
    }

    @Test
    void anotherKeyIsRefusedAndTheFileNamesItsKeysId() throws Exception {
        Path file = dir.resolve("k");
        try (EncryptedChannel c = open(file, key)) {
            c.write(ByteBuffer.wrap(new byte[4096]), 0);
        }
        assertThat(EncryptedHeader.keyIdOf(file)).contains(key.id());
        CacheKey other = CacheKey.random();
        assertThat(other.id()).isNotEqualTo(key.id()).hasSize(16);
        assertThatThrownBy(() -> open(file, other)).isInstanceOf(EncryptedChannel.WrongKeyException.class)
                .hasMessageContaining("another key");
        Path plain = dir.resolve("plain");
        Files.write(plain, new byte[8192]);
        assertThat(EncryptedHeader.keyIdOf(plain)).isEmpty();
        assertThatThrownBy(() -> open(plain, key)).isInstanceOf(EncryptedChannel.WrongKeyException.class)
                .hasMessageContaining("not an encrypted");
    }

    @Test
    void longReadsAndReadsFromSeveralThreadsAtOnceOpenWhatWasWritten() throws Exception {
        Path file = dir.resolve("t");
        // 6 MiB, read back by a new channel (which decrypts all it reads) from several threads
        byte[] model = new byte[6 << 20];
        new Random(11).nextBytes(model);
        try (EncryptedChannel c = open(file, key)) {
            c.write(ByteBuffer.wrap(model), 0);
        }
        try (EncryptedChannel c = open(file, key)) {
            // longer than the thread's kept buffers (64 blocks), unaligned, and exactly at the edge
            assertThat(read(c, 100, 65 * 1024)).isEqualTo(Arrays.copyOfRange(model, 100, 100 + 65 * 1024));
            assertThat(read(c, 3 << 20, 200 * 1024 + 7)).isEqualTo(Arrays.copyOfRange(model, 3 << 20,
                    (3 << 20) + 200 * 1024 + 7));
            assertThat(read(c, 64 * 1024, 64 * 1024)).isEqualTo(Arrays.copyOfRange(model, 64 * 1024, 128 * 1024));
            // four readers of the first 5 MiB while a writer rewrites the last MiB: each read is what was written
            // (each thread has its own buffers; shared ones would mix reads). Not a test of a read racing a write
            // of the same block, which H2 does not do
            int fixed = 5 << 20;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(5);
            try {
                java.util.List<java.util.concurrent.Future<?>> jobs = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    jobs.add(pool.submit(() -> {
                        Random r = new Random(seed);
                        for (int i = 0; i < 300; i++) {
                            int at = r.nextInt(fixed - 9000);
                            int n = 1 + r.nextInt(8000);
                            assertThat(read(c, at, n)).isEqualTo(Arrays.copyOfRange(model, at, at + n));
                        }
                        return null;
                    }));
                }
                jobs.add(pool.submit(() -> {
                    Random r = new Random(99);
                    for (int i = 0; i < 200; i++) {
                        byte[] data = new byte[1 + r.nextInt(5000)];
                        r.nextBytes(data);
                        c.write(ByteBuffer.wrap(data), fixed + r.nextInt((1 << 20) - 5000));
                    }
                    return null;
                }));
                for (java.util.concurrent.Future<?> f : jobs) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(damaged.get()).isZero();
    }

    @Test
    void blocksPastTheEndOfAFileCutShortOutsideReadAsZeros() throws Exception {
        Path file = dir.resolve("e");
        byte[] data = new byte[16 * 1024]; // past H2's store headers (8 KiB), where a failed check is an error
        Arrays.fill(data, (byte) 'y');
        try (EncryptedChannel c = open(file, key)) {
            c.write(ByteBuffer.wrap(data), 0);
        }
        try (EncryptedChannel c = open(file, key)) {
            // three blocks opened: the thread's buffers now hold their sealed and opened bytes
            assertThat(read(c, 8 * 1024, 3 * 1024)).containsOnly((byte) 'y');
            // the file is cut short behind the channel's back (it still takes it for 16 blocks)
            try (FileChannel raw = FileChannel.open(file, StandardOpenOption.WRITE)) {
                raw.truncate(EncryptedChannel.HEADER + 11L * EncryptedChannel.SLOT);
            }
            // stale sealed bytes would fail their check here (an error); past the end is zeros
            assertThat(read(c, 11 * 1024, 3 * 1024)).containsOnly((byte) 0);
            assertThat(read(c, 10 * 1024 + 10, 10)).containsOnly((byte) 'y');
        }
        assertThat(damaged.get()).as("past the end is never written, not damaged").isZero();
    }
}
