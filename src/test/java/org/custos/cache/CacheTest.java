package org.custos.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CacheTest {
    @TempDir
    Path dir;

    @Test
    void onlyABloatedBigCacheIsCompactedAtExit() {
        assertThat(Cache.worthCompacting(20L << 20, 6_000)).isFalse(); // the demo data
        assertThat(Cache.worthCompacting(2_248L * 1_000_000, 1_000_000)).isTrue(); // a fresh import of 1M
        assertThat(Cache.worthCompacting(416L * 1_000_000, 1_000_000)).isFalse(); // already compact
    }

    @Test
    void aSmallCacheClosesWithoutCompactingAndOpensAgain() {
        Cache c = Cache.open(dir.resolve("c"));
        assertThat(c.closeTidily()).isFalse();
        try (Cache again = Cache.open(dir.resolve("c"))) {
            assertThat(again.audit().count(AuditFilter.ALL, 10)).isZero();
        }
        assertThat(Files.exists(dir.resolve("c.mv.db"))).isTrue();
    }

    /**
     * H2 2.3.232 can lose rows in the compaction it runs when a file closes (h2database#4247): the cache must not
     * ask for it (MAX_COMPACT_TIME 0; its default is 200 ms).
     */
    @Test
    void theCacheClosesWithoutH2sInPlaceCompaction() {
        try (Cache c = Cache.open(dir.resolve("c"))) {
            String v = c.inTransaction("reading a setting", conn -> {
                try (var st = conn.createStatement(); var rs = st.executeQuery("SELECT SETTING_VALUE FROM "
                        + "INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'MAX_COMPACT_TIME'")) {
                    return rs.next() ? rs.getString(1) : null;
                }
            });
            assertThat(v).isEqualTo("0");
        }
    }

    /**
     * H2's page cache: a sixteenth of the heap from 16 to 256 MB. At 64 MB the first browser pages of 100,000 events
     * outgrew it and H2 read pages again (EncryptionBench, README); the installers' 2 GB heap gives 128 MB.
     */
    @Test
    void theCacheKeepsASixteenthOfTheHeapForPagesWithinBounds() {
        assertThat(CachePool.cacheKb(2L << 30)).isEqualTo(128 * 1024);
        assertThat(CachePool.cacheKb(16L << 30)).isEqualTo(256 * 1024);
        assertThat(CachePool.cacheKb(1L << 30)).isEqualTo(64 * 1024);
        assertThat(CachePool.cacheKb(128L << 20)).isEqualTo(16 * 1024);
        try (Cache c = Cache.open(dir.resolve("c"))) {
            String v = c.inTransaction("reading a setting", conn -> {
                try (var st = conn.createStatement(); var rs = st.executeQuery("SELECT SETTING_VALUE FROM "
                        + "INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'CACHE_SIZE'")) {
                    return rs.next() ? rs.getString(1) : null;
                }
            });
            assertThat(v).isEqualTo(Long.toString(CachePool.cacheKb(Runtime.getRuntime().maxMemory())));
        }
    }

    /** Opening skips Flyway only when the newest migration is applied: the constant must follow the files. */
    @Test
    void schemaVersionIsTheNewestMigration() throws Exception {
        int newest;
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
        assertThat(Cache.SCHEMA_VERSION).isEqualTo(newest);
    }
}
