package org.custos.cache;

import org.custos.TestData;
import org.custos.sync.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Encrypting an existing cache (key into the keyring first, then the file), opening it with the keyring's key,
 * decrypting it, and the lost-key path: the cache cannot be read, it is set aside (not deleted) and a new one takes its
 * place. The keyring here is a {@link MapKeyring}.
 */
class CacheKeysTest {
    private static final String MARKER = "Philomena Brackenbury";

    @TempDir
    Path dir;

    private static void fill(Cache cache, int n) {
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < n; i++) {
            nd.append("{\"resourceType\":\"AuditEvent\",\"id\":\"k-").append(i).append("\",\"type\":{\"system\":"
                    + "\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"110110\"},\"action\":\"R\","
                    + "\"recorded\":\"2026-11-30T10:00:00Z\",\"agent\":[{\"name\":\"" + MARKER + "\",\"userId\":"
                    + "{\"value\":\"pbracken\"},\"requestor\":true}],\"source\":{\"identifier\":{\"value\":\"w\"}},"
                    + "\"entity\":[{\"reference\":{\"reference\":\"Patient/k-" + i + "\"}}]}\n");
        }
        new Importer(cache, TestData.FHIR).importStream("test", "keys", new ByteArrayInputStream(
                nd.toString().getBytes(StandardCharsets.UTF_8)), "keys.ndjson", Importer.SILENT);
    }

    private static boolean holds(Path file, String text) throws Exception {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
    }

    private static long events(Cache c) {
        return c.audit().count(AuditFilter.ALL.withAgent("pbracken"), Long.MAX_VALUE);
    }

    @Test
    void aPlainCacheIsEncryptedWithAKeyInTheKeyringAndDecryptedAgain() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache c = Cache.open(file)) {
            fill(c, 300);
        }
        Path h2 = CacheKeys.h2File(file);
        assertThat(holds(h2, MARKER)).as("the plain file shows the name (else this test proves nothing)").isTrue();
        MapKeyring ring = new MapKeyring();
        CacheKeys keys = new CacheKeys(ring);

        java.util.Set<java.nio.file.attribute.PosixFilePermission> rights = Files.getPosixFilePermissions(h2);
        String id = keys.encrypt(file).orElseThrow();
        assertThat(ring.entries).containsOnlyKeys(CacheKeys.entry(id));
        assertThat(Files.getPosixFilePermissions(h2)).isEqualTo(rights);
        assertThat(CacheKeys.keyId(file)).contains(id);
        assertThat(holds(h2, MARKER)).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".mv.db")))
                    .containsExactly("custos.mv.db"); // no copy left beside it
        }
        assertThat(keys.encrypt(file)).isEmpty(); // already: nothing happens
        try (Cache c = keys.open(file)) {
            assertThat(c.encrypted()).isTrue();
            assertThat(events(c)).isEqualTo(300);
            fill(c, 310); // 10 more, stored encrypted
        }
        assertThatThrownBy(() -> Cache.open(file)).isInstanceOf(CacheKeyException.class);

        assertThat(keys.decrypt(file)).isTrue();
        assertThat(ring.entries).isEmpty();
        assertThat(CacheKeys.keyId(file)).isEmpty();
        try (Cache c = keys.open(file)) {
            assertThat(c.encrypted()).isFalse();
            assertThat(events(c)).isEqualTo(310);
        }
        assertThat(holds(h2, MARKER)).isTrue();
    }

    @Test
    void aKeyringThatDoesNotKeepTheKeyLeavesTheCacheAsItWas() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache c = Cache.open(file)) {
            fill(c, 5);
        }
        byte[] before = Files.readAllBytes(CacheKeys.h2File(file));
        MapKeyring ring = new MapKeyring();
        ring.keeps = false;
        assertThatThrownBy(() -> new CacheKeys(ring).encrypt(file)).isInstanceOf(CacheException.class)
                .hasMessageContaining("did not keep");
        ring.keeps = true;
        ring.available = false;
        assertThatThrownBy(() -> new CacheKeys(ring).encrypt(file)).isInstanceOf(CacheException.class)
                .hasMessageContaining("keyring");
        assertThat(Files.readAllBytes(CacheKeys.h2File(file))).isEqualTo(before);
        assertThat(ring.entries).isEmpty();
    }

    @Test
    void aLostKeyIsSaidSoAndTheCacheIsSetAsideNotDeleted() throws Exception {
        Path file = dir.resolve("custos");
        MapKeyring ring = new MapKeyring();
        CacheKeys keys = new CacheKeys(ring);
        try (Cache c = Cache.open(file)) {
            fill(c, 7);
        }
        String id = keys.encrypt(file).orElseThrow();
        String kept = ring.entries.get(CacheKeys.entry(id));

        ring.available = false; // the keyring cannot be reached: nothing is lost yet, nothing is moved
        assertThatThrownBy(() -> keys.open(file)).isInstanceOf(CacheKeyException.class)
                .isNotInstanceOf(CacheKeys.LostKeyException.class).hasMessageContaining("cannot be reached");
        ring.available = true;
        ring.entries.clear(); // a keyring that was reset
        assertThatThrownBy(() -> keys.open(file)).isInstanceOf(CacheKeys.LostKeyException.class)
                .hasMessageContaining("not in this account's keyring");

        byte[] encrypted = Files.readAllBytes(CacheKeys.h2File(file));
        Path aside = CacheKeys.setAside(file, Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC));
        assertThat(aside.getFileName().toString()).isEqualTo("custos-unreadable-20261203-120000.mv.db");
        assertThat(Files.readAllBytes(aside)).isEqualTo(encrypted);
        try (Cache fresh = keys.open(file)) {
            assertThat(fresh.encrypted()).isFalse();
            assertThat(events(fresh)).isZero();
        }
        // the key found again: the file set aside opens under it
        ring.put(CacheKeys.entry(id), kept);
        try (Cache old = keys.open(aside)) {
            assertThat(events(old)).isEqualTo(7);
        }
    }

    /**
     * The check a conversion makes of its copy compares the ledger's newest entry as well as the rows per table: two
     * caches filled alike but with other events (at other moments: the link chains each entry's time too) differ, a
     * faithful encrypted copy does not, and a conversion whose copy is the other cache is refused, the file unchanged.
     */
    @Test
    void theCopysCheckComparesTheLedgersNewestEntryNotOnlyRowCounts() throws Exception {
        Path a = dir.resolve("a/custos");
        Path b = dir.resolve("b/custos");
        try (Cache c = Cache.open(a)) {
            fill(c, 20);
        }
        try (Cache c = Cache.open(b)) {
            StringBuilder nd = new StringBuilder();
            for (int i = 0; i < 20; i++) { // the same shape of events under other ids
                nd.append("{\"resourceType\":\"AuditEvent\",\"id\":\"other-").append(i).append("\",\"type\":{"
                        + "\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"110110\"},"
                        + "\"action\":\"R\",\"recorded\":\"2026-11-30T10:00:00Z\",\"agent\":[{\"name\":\"" + MARKER
                        + "\",\"userId\":{\"value\":\"pbracken\"},\"requestor\":true}],\"source\":{\"identifier\":"
                        + "{\"value\":\"w\"}},\"entity\":[{\"reference\":{\"reference\":\"Patient/k-" + i + "\"}}]}\n");
            }
            new Importer(c, TestData.FHIR).importStream("test", "keys", new ByteArrayInputStream(
                    nd.toString().getBytes(StandardCharsets.UTF_8)), "keys.ndjson", Importer.SILENT);
        }
        java.util.Map<String, Long> ma = CacheKeys.counts(CacheKeys.h2File(a), null);
        java.util.Map<String, Long> mb = CacheKeys.counts(CacheKeys.h2File(b), null);
        assertThat(ma).containsKeys("ledger: newest entry", "ledger: its link").containsEntry("AUDIT_EVENT", 20L);
        java.util.Map<String, Long> rowsA = new java.util.TreeMap<>(ma);
        java.util.Map<String, Long> rowsB = new java.util.TreeMap<>(mb);
        rowsA.remove("ledger: its link");
        rowsB.remove("ledger: its link");
        assertThat(rowsA).as("the same rows per table, the same number of ledger entries").isEqualTo(rowsB);
        assertThat(ma).isNotEqualTo(mb);

        CacheKey key = CacheKey.random();
        Path copy = dir.resolve("copy/custos");
        Files.createDirectories(copy.getParent());
        CacheKeys.copyCompacted(a, null, copy, key);
        EncryptedFiles files = EncryptedFiles.register(key);
        try {
            assertThat(CacheKeys.counts(CacheKeys.h2File(copy), files)).isEqualTo(ma);
        } finally {
            files.close();
        }

        byte[] before = Files.readAllBytes(CacheKeys.h2File(a));
        assertThatThrownBy(() -> CacheKeys.convert(CacheKeys.h2File(a), null, null, (in, out) -> {
            org.h2.mvstore.MVStore other = new org.h2.mvstore.MVStore.Builder()
                    .fileName(CacheKeys.h2File(b).toString()).readOnly().open();
            try {
                org.h2.mvstore.MVStoreTool.compact(other, out); // a copy that is not of this cache
            } finally {
                other.closeImmediately();
            }
        })).isInstanceOf(CacheException.class).hasMessageContaining("does not hold the same rows and ledger")
                .hasMessageContaining("stays as it was");
        assertThat(Files.readAllBytes(CacheKeys.h2File(a))).as("the cache as it was").isEqualTo(before);
        try (var left = Files.list(a.getParent())) {
            assertThat(left.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("converting"));
        }
    }
}
