package org.custos.cache;

import org.custos.TestData;
import org.custos.sync.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A cache encrypted with a random key (AES-256 blocks, {@link EncryptedChannel}): what it holds cannot be read from the file (a plain cache
 * shows the same names), it opens again only with its key — another key, or none, is refused with words and leaves
 * the file as it was.
 */
class EncryptedCacheTest {
    private static final String MARKER = "Zebediah Quincewhistle";

    @TempDir
    Path dir;

    private static void fill(Cache cache) {
        String event = "{\"resourceType\":\"AuditEvent\",\"id\":\"enc-1\",\"type\":{\"system\":\"http://dicom.nema.org/"
                + "resources/ontology/DCM\",\"code\":\"110110\"},\"action\":\"R\",\"recorded\":\"2026-11-30T10:00:00Z\","
                + "\"agent\":[{\"name\":\"" + MARKER + "\",\"userId\":{\"value\":\"zquince\"},\"requestor\":true}],"
                + "\"source\":{\"identifier\":{\"value\":\"ward-7\"}},\"entity\":[{\"reference\":{\"reference\":"
                + "\"Patient/enc-1\"}}]}\n";
        new Importer(cache, TestData.FHIR).importStream("test", "enc", new ByteArrayInputStream(
                event.getBytes(StandardCharsets.UTF_8)), "enc.ndjson", Importer.SILENT);
    }

    private static boolean fileHolds(Path file, String text) throws Exception {
        byte[] all = Files.readAllBytes(file);
        return new String(all, StandardCharsets.ISO_8859_1).contains(text)
                || new String(all, StandardCharsets.UTF_16BE).contains(text);
    }

    @Test
    void anEncryptedCacheHidesItsContentAndOpensOnlyWithItsKey() throws Exception {
        // the control: a plain cache's file shows the agent's name
        Path plainFile;
        try (Cache plain = Cache.open(dir.resolve("plain"))) {
            fill(plain);
            plainFile = plain.file();
        }
        assertThat(fileHolds(plainFile, MARKER)).as("the plain file shows the name (else this test proves nothing)")
                .isTrue();

        CacheKey key = CacheKey.random();
        Path encFile;
        try (Cache enc = Cache.open(dir.resolve("enc"), key)) {
            fill(enc);
            encFile = enc.file();
            assertThat(enc.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(1);
        }
        assertThat(fileHolds(encFile, MARKER)).isFalse();
        assertThat(fileHolds(encFile, "zquince")).isFalse();
        assertThat(key.toString()).doesNotContain(key.text());

        byte[] before = Files.readAllBytes(encFile);
        assertThatThrownBy(() -> Cache.open(dir.resolve("enc"), CacheKey.random()))
                .isInstanceOf(CacheKeyException.class).hasMessageContaining("another key");
        assertThatThrownBy(() -> Cache.open(dir.resolve("enc"))).isInstanceOf(CacheKeyException.class)
                .hasMessageContaining("needs its key");
        assertThat(Files.readAllBytes(encFile)).isEqualTo(before);

        try (Cache again = Cache.open(dir.resolve("enc"), CacheKey.of(key.text()))) {
            assertThat(again.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(1);
        }
    }

    /** SHUTDOWN COMPACT writes a new file through the cache's scheme: encrypted too, and nothing plain beside it. */
    @Test
    void compactingKeepsTheCacheEncrypted() throws Exception {
        CacheKey key = CacheKey.random();
        Cache enc = Cache.open(dir.resolve("enc"), key);
        fill(enc);
        assertThat(enc.encrypted()).isTrue();
        Path file = enc.file();
        enc.compactAndClose();
        assertThat(java.nio.file.Files.getPosixFilePermissions(file)).as("readable by this user only, as before")
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                assertThat(fileHolds(p, MARKER)).as(p.toString()).isFalse();
            }
        }
        assertThat(EncryptedHeader.keyIdOf(file)).contains(key.id());
        try (Cache again = Cache.open(dir.resolve("enc"), key)) {
            assertThat(again.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(1);
            assertThat(again.damagedBlocks()).isZero();
        }
    }

    /** The benchmark's like-with-like copies: the same cache, compacted, plain and encrypted, holding the same rows. */
    @Test
    void aCompactedCopyHoldsTheSameRowsPlainOrEncrypted() throws Exception {
        Path source = dir.resolve("source");
        try (Cache c = Cache.open(source)) {
            fill(c);
        }
        CacheKey key = CacheKey.random();
        CacheKeys.copyCompacted(source, null, dir.resolve("copy-plain"), null);
        CacheKeys.copyCompacted(source, null, dir.resolve("copy-enc"), key);
        try (Cache plain = Cache.open(dir.resolve("copy-plain"));
             Cache enc = Cache.open(dir.resolve("copy-enc"), key)) {
            assertThat(plain.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(1);
            assertThat(enc.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(1);
            assertThat(fileHolds(enc.file(), MARKER)).as("the encrypted copy hides the name").isFalse();
            assertThat(fileHolds(plain.file(), MARKER)).isTrue();
        }
    }

    /**
     * A cache encrypted before OCB3 (its blocks sealed with AES-GCM) opens and reads as before, and the compaction at
     * exit writes it anew in OCB3, holding the same rows.
     */
    @Test
    void aCacheSealedWithGcmOpensAndItsCompactionRewritesItWithOcb() throws Exception {
        CacheKey key = CacheKey.random();
        Path file;
        try (Cache enc = Cache.open(dir.resolve("enc"), key)) {
            fill(enc);
            file = enc.file();
        }
        // the same content, block by block, into a file sealed as before
        Path gcm = dir.resolve("gcm.tmp");
        try (EncryptedChannel from = new EncryptedChannel(FileChannel.open(file, StandardOpenOption.READ),
                key.secretKey(), key.id(), "from", new SecureRandom(), new AtomicLong());
             EncryptedChannel to = new EncryptedChannel(FileChannel.open(gcm, StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.READ, StandardOpenOption.WRITE), key.secretKey(), key.id(), "to",
                     new SecureRandom(), new AtomicLong(), EncryptedHeader.Format.GCM)) {
            assertThat(from.format()).isEqualTo(EncryptedHeader.Format.OCB);
            ByteBuffer b = ByteBuffer.allocate(4096);
            for (long at = 0; at < from.size(); at += 4096) {
                b.clear();
                while (b.hasRemaining() && from.read(b, at + b.position()) > 0) {
                    // until the block is read
                }
                to.write(b.flip(), at);
            }
        }
        Files.move(gcm, file, StandardCopyOption.REPLACE_EXISTING);
        assertThat(EncryptedHeader.formatOf(file)).contains(EncryptedHeader.Format.GCM);

        Cache again = Cache.open(dir.resolve("enc"), key);
        assertThat(again.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(1);
        again.compactAndClose();
        assertThat(EncryptedHeader.formatOf(file)).contains(EncryptedHeader.Format.OCB);
        assertThat(fileHolds(file, MARKER)).isFalse();
        try (Cache rewritten = Cache.open(dir.resolve("enc"), key)) {
            assertThat(rewritten.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(1);
            assertThat(rewritten.damagedBlocks()).isZero();
        }
    }
}
