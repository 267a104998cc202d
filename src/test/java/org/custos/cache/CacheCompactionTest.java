package org.custos.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache left far larger than what it holds (an import or sync not followed by the app's tidy close) is compacted
 * when it opens, with nothing it holds changed; one that is not is opened as it is, and what an opening did (an
 * upgrade) is not hidden by a compaction.
 */
class CacheCompactionTest {
    @TempDir
    Path dir;

    /** Dead or live megabytes a test writes: over the 100 MiB below which a file is never worth compacting. */
    private static final int SWELL_MB = 120;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCacheFarLargerThanItHoldsIsCompactedWhenItOpensWithNothingChanged(boolean encrypted) throws Exception {
        Path file = dir.resolve("custos");
        CacheKey key = encrypted ? CacheKey.random() : null;
        Map<String, Long> rows;
        String head;
        try (Cache cache = Cache.open(file, key); var c = cache.connection()) {
            CacheFixtures.demoEvents(cache, 2_000);
            rows = CacheFixtures.rowCounts(c);
            head = cache.verifier().run(null, () -> false, (d, t) -> { }).head();
        }
        CacheFixtures.swell(file, key, SWELL_MB);
        Path h2 = dir.resolve("custos.mv.db");
        assertThat(Files.size(h2)).isGreaterThan(SWELL_MB * 1_000_000L);

        List<String> said = new ArrayList<>();
        try (Cache cache = CacheCompaction.open(file, key, said::add); var c = cache.connection()) {
            assertThat(said).singleElement().asString().startsWith("Compacting the cache " + h2);
            assertThat(Files.size(h2)).isLessThan(20_000_000L);
            assertThat(cache.encrypted()).isEqualTo(encrypted);
            assertThat(CacheFixtures.rowCounts(c)).isEqualTo(rows);
            Verifier.Result checked = cache.verifier().run(head, () -> false, (d, t) -> { });
            assertThat(checked.intact()).as(checked.problems().toString()).isTrue();
        }
        try (Cache cache = CacheCompaction.open(file, key, said::add)) {
            assertThat(said).hasSize(1); // compact now: opened as it is
        }
    }

    @Test
    void theAppsOpeningThroughTheKeysCompactsTooAndASmallCacheIsLeftAsItIs() throws Exception {
        Path file = dir.resolve("custos");
        CacheKeys keys = new CacheKeys(new MapKeyring());
        try (Cache cache = Cache.open(file)) {
            CacheFixtures.demoEvents(cache, 200);
        }
        Path h2 = dir.resolve("custos.mv.db");
        List<String> said = new ArrayList<>();
        keys.openCompacting(file, said::add).close();
        assertThat(said).isEmpty();

        CacheFixtures.swell(file, null, SWELL_MB);
        keys.openCompacting(file, said::add).close();
        assertThat(said).singleElement().asString().startsWith("Compacting the cache");
        assertThat(Files.size(h2)).isLessThan(20_000_000L);
    }

    @Test
    void aLargeCacheThatIsAllContentIsNotCompactedWhateverItHolds() throws Exception {
        // 120 MB of live rows and no AuditEvent at all (as a cache of Provenance or Consents only): compacted once,
        // it is all content, and the next openings leave it alone
        Path file = dir.resolve("custos");
        try (Cache cache = Cache.open(file); var c = cache.connection(); var st = c.createStatement()) {
            st.execute("CREATE TABLE kept_scratch(b VARBINARY(1048576))");
            java.util.Random random = new java.util.Random(1);
            byte[] megabyte = new byte[1 << 20];
            try (var insert = c.prepareStatement("INSERT INTO kept_scratch VALUES (?)")) {
                for (int i = 0; i < SWELL_MB; i++) {
                    random.nextBytes(megabyte);
                    insert.setBytes(1, megabyte);
                    insert.executeUpdate();
                }
            }
        }
        Path h2 = dir.resolve("custos.mv.db");
        CacheKeys.compact(h2, null);
        assertThat(Files.size(h2)).isGreaterThan(SWELL_MB * 1_000_000L);
        List<String> said = new ArrayList<>();
        try (Cache cache = CacheCompaction.open(file, null, said::add)) {
            assertThat(CacheCompaction.contentPercent(cache)).isGreaterThan(90);
        }
        assertThat(said).isEmpty();
        assertThat(Cache.open(file).closeTidily()).isFalse(); // nor at the app's exit
    }

    @Test
    void theAppsExitCompactsACacheFarLargerThanItHoldsByTheSameRule() throws Exception {
        Path file = dir.resolve("custos");
        try (Cache cache = Cache.open(file)) {
            CacheFixtures.demoEvents(cache, 500);
        }
        CacheFixtures.swell(file, null, SWELL_MB);
        Path h2 = dir.resolve("custos.mv.db");
        assertThat(Files.size(h2)).isGreaterThan(SWELL_MB * 1_000_000L);
        List<String> said = new ArrayList<>();
        assertThat(Cache.open(file).closeTidily(said::add)).isTrue();
        assertThat(Files.size(h2)).isLessThan(20_000_000L);
        // the app's closing window says why it takes that long, before the compaction starts
        assertThat(said).singleElement().asString().startsWith("Compacting the cache ")
                .contains("custos.mv.db (").contains(" MB) before Custos closes");
        try (Cache cache = Cache.open(file)) {
            assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(500);
        }
    }

    @Test
    void anUpgradeIsSaidAndTheCompactionWaitsForTheNextOpening() throws Exception {
        Path file = dir.resolve("custos");
        CacheFixtures.unpack(CacheFixtures.resource(3), dir.resolve("custos.mv.db"));
        // swollen as a schema-3 cache, before the upgrade this Custos makes when it opens it
        try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + file + ";MAX_COMPACT_TIME=0", "custos",
                "")) {
            CacheFixtures.swell(c, SWELL_MB);
        }
        Path h2 = dir.resolve("custos.mv.db");
        long swollen = Files.size(h2);
        List<String> said = new ArrayList<>();
        try (Cache cache = CacheCompaction.open(file, null, said::add)) {
            assertThat(cache.openNotice()).hasValueSatisfying(n -> assertThat(n).contains("upgraded"));
        }
        assertThat(said).isEmpty();
        assertThat(Files.size(h2)).isGreaterThanOrEqualTo(swollen);
        try (Cache cache = CacheCompaction.open(file, null, said::add)) {
            assertThat(cache.openNotice()).isEmpty();
        }
        assertThat(said).singleElement().asString().startsWith("Compacting the cache");
        assertThat(Files.size(h2)).isLessThan(20_000_000L);
    }
}
