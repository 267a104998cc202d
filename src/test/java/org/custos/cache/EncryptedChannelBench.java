package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * What the encrypted channel adds to each read, apart from H2: the same 27,700 reads (200–2,500 bytes, at random
 * places of a 40 MB file, about what one first-pages pass of the encryption benchmark asks) on a plain file through a
 * {@link FileChannel}, on the same content through an {@link EncryptedChannel} and on a file it sealed with AES-GCM
 * as before 2026-12-04 evening (all three written alike, 256 KiB at a time), in turn (each round starting with the
 * next), twenty times each
 * (medians of the last seventeen; both files in the operating system's cache); and the cipher alone opening 1 KiB
 * blocks the way the channel does (the share of the extra that is the cipher): OCB3, which the channel seals new files
 * with, and, beside it, the JDK's AES-GCM, which it sealed them with before. Informational, not judged; not a
 * test. Writes {@code target/bench/channel.json}. Run: {@code java -cp target/test-classes:target/classes:<classpath>
 * org.custos.cache.EncryptedChannelBench}.
 */
public final class EncryptedChannelBench {
    private static final int READS = 27_700;
    private static final int ROUNDS = 20;
    private static final int WARM = 3;
    /** The size of each write that makes the files (40 MB is a whole number of them). */
    private static final int WRITE_SIZE = 256 * 1024;
    /** About as many blocks as the channel's reads open over the rounds (1.3 million). */
    private static final int WARM_GCM = 300;

    private EncryptedChannelBench() {
    }

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("custos-channel-bench");
        byte[] content = new byte[40 << 20];
        new Random(1).nextBytes(content);
        Path plainFile = dir.resolve("plain");
        Path encFile = dir.resolve("encrypted");
        Path gcmFile = dir.resolve("encrypted-gcm");
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        SecretKeySpec key = new SecretKeySpec(k, "AES");
        String keyId = "0123456789abcdef";
        try (FileChannel f = FileChannel.open(plainFile, CREATE, WRITE);
             EncryptedChannel e = new EncryptedChannel(FileChannel.open(encFile, CREATE, READ, WRITE), key, keyId,
                     "bench", new SecureRandom(), new AtomicLong());
             EncryptedChannel g = new EncryptedChannel(FileChannel.open(gcmFile, CREATE, READ, WRITE), key, keyId,
                     "bench", new SecureRandom(), new AtomicLong(), EncryptedHeader.Format.GCM)) {
            // all three written alike, in 256 KiB writes, as H2 writes a chunk at a time: how a file was written
            // changes how fast it reads back from the operating system's cache (one 40 MB write reads faster than
            // 4 KiB writes, see the README), and that is not the channel
            for (int off = 0; off < content.length; off += WRITE_SIZE) {
                EncryptedChannel.writeFully(f, off, ByteBuffer.wrap(content, off, WRITE_SIZE));
                e.write(ByteBuffer.wrap(content, off, WRITE_SIZE), off);
                g.write(ByteBuffer.wrap(content, off, WRITE_SIZE), off);
            }
        }
        Random r = new Random(2);
        long[] pos = new long[READS];
        int[] len = new int[READS];
        long blocks = 0;
        for (int i = 0; i < READS; i++) {
            len[i] = 200 + r.nextInt(2300);
            pos[i] = r.nextInt(content.length - 4096) & ~15L;
            blocks += (pos[i] + len[i] - 1) / EncryptedChannel.BLOCK - pos[i] / EncryptedChannel.BLOCK + 1;
        }
        ByteBuffer dst = ByteBuffer.allocate(4096);
        List<Double> plain = new ArrayList<>();
        List<Double> encrypted = new ArrayList<>();
        List<Double> gcm = new ArrayList<>();
        try (FileChannel f = FileChannel.open(plainFile, READ)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int which = 0; which < 3; which++) { // the three in turn, each round starting with the next one
                    switch ((round + which) % 3) {
                        case 0 -> plain.add(pass(f, dst, pos, len));
                        case 1 -> encrypted.add(passEncrypted(encFile, key, keyId, dst, pos, len));
                        default -> gcm.add(passEncrypted(gcmFile, key, keyId, dst, pos, len));
                    }
                }
            }
        }
        double p = median(plain.subList(WARM, ROUNDS));
        double e = median(encrypted.subList(WARM, ROUNDS));
        double g = median(gcm.subList(WARM, ROUNDS));
        double extraUs = (e - p) * 1000 / READS;
        double gcmExtraUs = (g - p) * 1000 / READS;
        double blocksPerRead = (double) blocks / READS;
        double cipherUs = cipherPerBlock(key, encFile);
        double gcmUs = gcmPerBlock(key);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reads", READS);
        out.put("plainMs", round(p));
        out.put("encryptedMs", round(e));
        out.put("extraMicrosPerRead", round(extraUs));
        out.put("blocksOpenedPerRead", round(blocksPerRead));
        out.put("cipherMicrosPerBlock", round(cipherUs));
        out.put("cipherShareOfExtra", round(cipherUs * blocksPerRead / extraUs));
        out.put("gcmMicrosPerBlock", round(gcmUs));
        out.put("gcmFileMs", round(g));
        out.put("gcmFileExtraMicrosPerRead", round(gcmExtraUs));
        out.put("java", System.getProperty("java.version"));
        String text = String.format("channel: %d reads, plain %.1f ms, encrypted %.1f ms: %.2f us more per read; "
                        + "%.2f blocks opened per read; OCB3 alone %.2f us per 1 KiB block, %.0f %% of the extra "
                        + "(AES-GCM alone: %.2f us; a file sealed with it %.1f ms, %.2f us more per read)%n",
                READS, p, e, extraUs, blocksPerRead, cipherUs, 100 * cipherUs * blocksPerRead / extraUs, gcmUs, g,
                gcmExtraUs);
        System.out.print(text);
        Path outDir = Path.of(System.getProperty("bench.out", "target/bench"));
        Files.createDirectories(outDir);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("channel.json").toFile(), out);
        Files.deleteIfExists(encFile);
        Files.deleteIfExists(gcmFile);
        Files.deleteIfExists(plainFile);
        Files.deleteIfExists(dir);
    }

    /** One pass of the reads on {@code f}, in ms. */
    private static double pass(FileChannel f, ByteBuffer dst, long[] pos, int[] len) throws IOException {
        long t = System.nanoTime();
        for (int i = 0; i < READS; i++) {
            f.read(dst.clear().limit(len[i]), pos[i]);
        }
        return (System.nanoTime() - t) / 1e6;
    }

    /** One pass of the reads through a fresh encrypted channel on {@code file}, in ms. */
    private static double passEncrypted(Path file, SecretKeySpec key, String keyId, ByteBuffer dst, long[] pos,
                                        int[] len) throws IOException {
        try (EncryptedChannel e = new EncryptedChannel(FileChannel.open(file, READ, WRITE), key, keyId, "bench",
                new SecureRandom(), new AtomicLong())) {
            return pass(e, dst, pos, len);
        }
    }

    /** The median time of opening the file's first 4,096 sealed blocks as the channel does (cipher reused). */
    private static double cipherPerBlock(SecretKeySpec key, Path encFile) throws IOException, GeneralSecurityException {
        int n = 4096;
        byte[] sealed = new byte[n * EncryptedChannel.SLOT];
        try (FileChannel f = FileChannel.open(encFile, READ)) {
            EncryptedChannel.readFully(f, EncryptedChannel.HEADER, ByteBuffer.wrap(sealed));
        }
        Ocb ocb = new Ocb(Ocb.blockKey(key));
        byte[][] numbers = blockNumbers(n);
        byte[] plain = new byte[EncryptedChannel.BLOCK];
        List<Double> perBlock = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int from = i * EncryptedChannel.SLOT;
                if (!ocb.open(sealed, from, numbers[i], 0, 8, sealed, from + EncryptedChannel.NONCE,
                        EncryptedChannel.BLOCK + EncryptedChannel.TAG, plain, 0)) {
                    throw new IllegalStateException("block " + i + " failed its check");
                }
            }
            perBlock.add((System.nanoTime() - t) / 1e3 / n);
        }
        return median(perBlock.subList(WARM, ROUNDS));
    }

    /** The same with the JDK's AES-GCM, on 4,096 blocks it sealed itself. */
    private static double gcmPerBlock(SecretKeySpec key) throws GeneralSecurityException {
        int n = 4096;
        SecureRandom random = new SecureRandom();
        byte[] block = new byte[EncryptedChannel.BLOCK];
        byte[] sealed = new byte[n * EncryptedChannel.SLOT];
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        byte[][] numbers = blockNumbers(n);
        for (int i = 0; i < n; i++) {
            int from = i * EncryptedChannel.SLOT;
            random.nextBytes(block);
            byte[] nonce = new byte[EncryptedChannel.NONCE];
            random.nextBytes(nonce);
            System.arraycopy(nonce, 0, sealed, from, nonce.length);
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(EncryptedChannel.TAG * 8, sealed, from,
                    EncryptedChannel.NONCE));
            c.updateAAD(numbers[i]);
            c.doFinal(block, 0, block.length, sealed, from + EncryptedChannel.NONCE);
        }
        List<Double> perBlock = new ArrayList<>();
        c = Cipher.getInstance("AES/GCM/NoPadding"); // a fresh one, as each reading thread has
        // rounds not timed first: the channel's reads no longer warm AES-GCM up as they did the blocks they opened
        for (int round = -WARM_GCM; round < ROUNDS; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int from = i * EncryptedChannel.SLOT;
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(EncryptedChannel.TAG * 8, sealed, from,
                        EncryptedChannel.NONCE));
                c.updateAAD(numbers[i]);
                c.doFinal(sealed, from + EncryptedChannel.NONCE, EncryptedChannel.BLOCK + EncryptedChannel.TAG,
                        block, 0);
            }
            if (round >= 0) {
                perBlock.add((System.nanoTime() - t) / 1e3 / n);
            }
        }
        return median(perBlock.subList(WARM, ROUNDS));
    }

    /** Blocks' numbers 0 … n - 1, as the channel binds them (8 bytes, big-endian). */
    private static byte[][] blockNumbers(int n) {
        byte[][] numbers = new byte[n][8];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < 8; b++) {
                numbers[i][b] = (byte) ((long) i >>> (56 - 8 * b));
            }
        }
        return numbers;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
