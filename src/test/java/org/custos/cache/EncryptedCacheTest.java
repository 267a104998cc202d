package org.custos.cache;

import org.custos.TestData;
import org.custos.sync.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

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

    /** The key of {@code caches/encrypted-gcm-v12.mv.db.gz} (a test key; see that folder's README). */
    private static final String FIXTURE_KEY = "030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc";

    /**
     * A cache encrypted by the Custos before OCB3 (commit 36e2b9d: its blocks sealed with AES-GCM) opens with its key,
     * reads every event, takes a new one in its own format, and the compaction at exit writes it anew in OCB3, holding
     * the same rows, with no block failing its check at any step.
     */
    @Test
    void aCacheSealedWithGcmByTheCustosBeforeOpensAndItsCompactionRewritesItWithOcb() throws Exception {
        Path file = dir.resolve("gcm.mv.db");
        try (var in = new GZIPInputStream(EncryptedCacheTest.class.getResourceAsStream(
                "/caches/encrypted-gcm-v12.mv.db.gz"))) {
            Files.copy(in, file);
        }
        CacheKey key = CacheKey.of(FIXTURE_KEY);
        assertThat(EncryptedHeader.formatOf(file)).contains(EncryptedHeader.Format.GCM);
        assertThat(EncryptedHeader.keyIdOf(file)).contains(key.id());

        try (Cache old = Cache.open(dir.resolve("gcm"), key)) {
            assertThat(old.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(3);
            fill(old); // a fourth event, written in the file's own format
            assertThat(old.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(4);
            assertThat(old.damagedBlocks()).isZero();
        }
        assertThat(EncryptedHeader.formatOf(file)).contains(EncryptedHeader.Format.GCM);

        Cache again = Cache.open(dir.resolve("gcm"), key);
        assertThat(again.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(4);
        assertThat(again.damagedBlocks()).isZero();
        again.compactAndClose();
        assertThat(EncryptedHeader.formatOf(file)).contains(EncryptedHeader.Format.OCB);
        assertThat(fileHolds(file, MARKER)).isFalse();
        try (Cache rewritten = Cache.open(dir.resolve("gcm"), key)) {
            assertThat(rewritten.audit().count(AuditFilter.ALL.withAgent("zquince"), Long.MAX_VALUE)).isEqualTo(4);
            assertThat(rewritten.damagedBlocks()).isZero();
        }
        assertThatThrownBy(() -> Cache.open(dir.resolve("gcm"), CacheKey.random()))
                .isInstanceOf(CacheKeyException.class).hasMessageContaining("another key");
    }
}
