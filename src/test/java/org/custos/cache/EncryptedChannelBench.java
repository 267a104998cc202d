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
 * {@link FileChannel} and on the same content through an {@link EncryptedChannel}, alternating, twenty times each
 * (medians of the last seventeen; both files in the operating system's cache); and the JDK's AES-GCM alone opening
 * 1 KiB blocks the way the channel does (the share of the extra that is the cipher). Informational, not judged; not a
 * test. Writes {@code target/bench/channel.json}. Run: {@code java -cp target/test-classes:target/classes:<classpath>
 * org.custos.cache.EncryptedChannelBench}.
 */
public final class EncryptedChannelBench {
    private static final int READS = 27_700;
    private static final int ROUNDS = 20;
    private static final int WARM = 3;

    private EncryptedChannelBench() {
    }

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("custos-channel-bench");
        byte[] content = new byte[40 << 20];
        new Random(1).nextBytes(content);
        Path plainFile = dir.resolve("plain");
        Path encFile = dir.resolve("encrypted");
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        SecretKeySpec key = new SecretKeySpec(k, "AES");
        String keyId = "0123456789abcdef";
        try (FileChannel f = FileChannel.open(plainFile, CREATE, WRITE);
             EncryptedChannel e = new EncryptedChannel(FileChannel.open(encFile, CREATE, READ, WRITE), key, keyId,
                     "bench", new SecureRandom(), new AtomicLong())) {
            EncryptedChannel.writeFully(f, 0, ByteBuffer.wrap(content));
            for (int off = 0; off < content.length; off += 4096) {
                e.write(ByteBuffer.wrap(content, off, 4096), off); // as H2 writes: whole 4 KiB blocks
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
        try (FileChannel f = FileChannel.open(plainFile, READ)) {
            for (int round = 0; round < ROUNDS; round++) {
                long t = System.nanoTime();
                for (int i = 0; i < READS; i++) {
                    f.read(dst.clear().limit(len[i]), pos[i]);
                }
                plain.add((System.nanoTime() - t) / 1e6);
                try (EncryptedChannel e = new EncryptedChannel(FileChannel.open(encFile, READ, WRITE), key, keyId,
                        "bench", new SecureRandom(), new AtomicLong())) {
                    t = System.nanoTime();
                    for (int i = 0; i < READS; i++) {
                        e.read(dst.clear().limit(len[i]), pos[i]);
                    }
                    encrypted.add((System.nanoTime() - t) / 1e6);
                }
            }
        }
        double p = median(plain.subList(WARM, ROUNDS));
        double e = median(encrypted.subList(WARM, ROUNDS));
        double extraUs = (e - p) * 1000 / READS;
        double blocksPerRead = (double) blocks / READS;
        double cipherUs = cipherPerBlock(key, encFile);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reads", READS);
        out.put("plainMs", round(p));
        out.put("encryptedMs", round(e));
        out.put("extraMicrosPerRead", round(extraUs));
        out.put("blocksOpenedPerRead", round(blocksPerRead));
        out.put("cipherMicrosPerBlock", round(cipherUs));
        out.put("cipherShareOfExtra", round(cipherUs * blocksPerRead / extraUs));
        out.put("java", System.getProperty("java.version"));
        String text = String.format("channel: %d reads, plain %.1f ms, encrypted %.1f ms: %.2f us more per read; "
                        + "%.2f blocks opened per read; AES-GCM alone %.2f us per 1 KiB block, %.0f %% of the extra%n",
                READS, p, e, extraUs, blocksPerRead, cipherUs, 100 * cipherUs * blocksPerRead / extraUs);
        System.out.print(text);
        Path outDir = Path.of(System.getProperty("bench.out", "target/bench"));
        Files.createDirectories(outDir);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("channel.json").toFile(), out);
        Files.deleteIfExists(encFile);
        Files.deleteIfExists(plainFile);
        Files.deleteIfExists(dir);
    }

    /** The median time of opening the file's first 4,096 sealed blocks as the channel does (cipher reused). */
    private static double cipherPerBlock(SecretKeySpec key, Path encFile) throws IOException, GeneralSecurityException {
        int n = 4096;
        byte[] sealed = new byte[n * EncryptedChannel.SLOT];
        try (FileChannel f = FileChannel.open(encFile, READ)) {
            EncryptedChannel.readFully(f, EncryptedChannel.HEADER, ByteBuffer.wrap(sealed));
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] plain = new byte[EncryptedChannel.BLOCK];
        byte[] aad = new byte[8];
        List<Double> perBlock = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int from = i * EncryptedChannel.SLOT;
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(EncryptedChannel.TAG * 8, sealed, from,
                        EncryptedChannel.NONCE));
                for (int b = 0; b < 8; b++) {
                    aad[b] = (byte) ((long) i >>> (56 - 8 * b)); // the block's number, as the channel binds it
                }
                c.updateAAD(aad);
                c.doFinal(sealed, from + EncryptedChannel.NONCE, EncryptedChannel.BLOCK + EncryptedChannel.TAG,
                        plain, 0);
            }
            perBlock.add((System.nanoTime() - t) / 1e3 / n);
        }
        return median(perBlock.subList(WARM, ROUNDS));
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
