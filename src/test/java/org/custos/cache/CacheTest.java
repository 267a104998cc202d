package org.custos.cache;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CacheTest {
    @TempDir
    Path dir;

    @Test
    void onlyABloatedBigCacheIsCompactedAtExit() {
        assertThat(CacheCompaction.worthCompacting(20L << 20, 10)).isFalse(); // the demo data: small
        assertThat(CacheCompaction.worthCompacting(2_248L * 1_000_000, 20)).isTrue(); // a fresh import of 1M
        assertThat(CacheCompaction.worthCompacting(416L * 1_000_000, 100)).isFalse(); // already compact
        assertThat(CacheCompaction.worthCompacting(416L * 1_000_000, 50)).isFalse(); // half of it content
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
     * H2 writes to the file at every opening; its background writer stored that about half a second later, often in
     * the middle of the first pages. The opening stores it itself: nothing is left for the writer (plain and
     * encrypted). Without that this fails here (H2 still holds the opening's change); on a machine so slow that the
     * opening itself takes over half a second, the writer may have stored it already, and it would not.
     */
    @Test
    void anOpeningLeavesNothingForH2sBackgroundWriter() throws Exception {
        for (CacheKey key : java.util.Arrays.asList(null, CacheKey.random())) {
            Path p = dir.resolve(key == null ? "plain" : "encrypted").resolve("c");
            try (Cache c = Cache.open(p, key)) {
                c.audit().count(AuditFilter.ALL, 10);
            }
            try (Cache c = Cache.open(p, key)) {
                assertThat(CacheFixtures.unsavedChanges(c)).as("changes left unstored by the opening (%s)",
                        key == null ? "plain" : "encrypted").isFalse();
            }
        }
    }

    /**
     * H2 2.3.232 can lose rows in the compaction it runs when a file closes (h2database#4247): the cache must not
     * ask for it (MAX_COMPACT_TIME 0; its default is 200 ms).
     */
    @Test
    void theCacheClosesWithoutH2sInPlaceCompaction() throws SQLException {
        try (Cache c = Cache.open(dir.resolve("c")); Connection conn = c.connection()) {
            assertThat(setting(conn, "MAX_COMPACT_TIME")).isEqualTo("0");
        }
    }

    /**
     * H2's page cache: a sixteenth of the heap from 16 to 256 MB. At 64 MB the first browser pages of 100,000 events
     * outgrew it and H2 read pages again (EncryptionBench, README); the installers' 2 GB heap gives 128 MB.
     */
    @Test
    void theCacheKeepsASixteenthOfTheHeapForPagesWithinBounds() throws SQLException {
        assertThat(CachePool.cacheKb(2L << 30)).isEqualTo(128 * 1024);
        assertThat(CachePool.cacheKb(16L << 30)).isEqualTo(256 * 1024);
        assertThat(CachePool.cacheKb(1L << 30)).isEqualTo(64 * 1024);
        assertThat(CachePool.cacheKb(128L << 20)).isEqualTo(16 * 1024);
        try (Cache c = Cache.open(dir.resolve("c")); Connection conn = c.connection()) {
            assertThat(setting(conn, "info.CACHE_MAX_SIZE")) // the live page cache, MB
                    .isEqualTo(Long.toString(CachePool.cacheKb(Runtime.getRuntime().maxMemory()) / 1024));
        }
        JdbcConnectionPool pool = CachePool.connect(dir.resolve("other"), null, 20480);
        try (Connection conn = pool.getConnection()) {
            assertThat(setting(conn, "info.CACHE_MAX_SIZE")).isEqualTo("20");
        } finally {
            pool.dispose();
        }
    }

    /**
     * A connection the pool adds keeps what H2 has read. H2 runs the URL's settings again for each new connection,
     * and SET CACHE_SIZE empties its page cache: with the size in the URL, every connection added (a background count
     * beside a page query) made H2 read again every page it had.
     */
    @Test
    void connectionsThePoolAddsDoNotEmptyH2sPageCache() throws SQLException {
        Path base = dir.resolve("c");
        try (Cache c = Cache.open(base)) {
            c.inTransaction("filling", conn -> {
                try (var st = conn.createStatement()) {
                    st.execute("CREATE TABLE PROBE(ID INT PRIMARY KEY, V VARCHAR)");
                    st.execute("INSERT INTO PROBE SELECT X, REPEAT('x', 500) FROM SYSTEM_RANGE(1, 20000)");
                }
                return null;
            });
        }
        JdbcConnectionPool pool = CachePool.connect(base, null, CachePool.MIN_CACHE_KB * 4);
        try (Connection first = pool.getConnection()) { // the one connection the pool made when it opened
            long opened = fileReads(first);
            assertThat(probeSum(first)).isEqualTo(20000L * 20001 / 2);
            long read = fileReads(first);
            assertThat(read - opened).as("the rows come from the file").isGreaterThan(100);
            List<Connection> more = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    more.add(pool.getConnection()); // a new one each: the only idle one is held
                    assertThat(probeSum(more.get(i))).isEqualTo(20000L * 20001 / 2);
                }
                assertThat(pool.getActiveConnections()).isEqualTo(5);
            } finally {
                for (Connection m : more) {
                    m.close();
                }
            }
            assertThat(fileReads(first) - read).as("reads after new connections").isZero();
        } finally {
            pool.dispose();
        }
    }

    private static long probeSum(Connection c) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT SUM(ID), MAX(LENGTH(V)) FROM PROBE")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long fileReads(Connection c) throws SQLException {
        return Long.parseLong(setting(c, "info.FILE_READ").trim());
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (var st = c.prepareStatement("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                + "WHERE SETTING_NAME = ?")) {
            st.setString(1, name);
            try (var rs = st.executeQuery()) {
                assertThat(rs.next()).as(name).isTrue();
                return rs.getString(1);
            }
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

    /**
     * Every opening asks for each table's newest ledger entry: it is found on V12's index, not by reading the ledger
     * backwards (which, for a table with no entry, read the whole ledger at each start).
     */
    @Test
    void theNewestLedgerEntryOfATableIsFoundOnAnIndex() throws SQLException {
        try (Cache cache = Cache.open(dir.resolve("ledger"))) {
            CacheFixtures.demoEvents(cache, 1_500);
            try (Connection c = cache.connection(); var st = c.createStatement()) {
                String plan;
                try (var rs = st.executeQuery("EXPLAIN " + Ledger.HIGHEST_STORED.replace("?", "'"
                        + Ledger.RESOURCE + "'"))) {
                    rs.next();
                    plan = rs.getString(1);
                }
                assertThat(plan).containsIgnoringCase("LEDGER_TABLE").doesNotContainIgnoringCase("tableScan");
                long maxPk;
                try (var rs = st.executeQuery("SELECT MAX(pk) FROM audit_event")) {
                    rs.next();
                    maxPk = rs.getLong(1);
                }
                assertThat(maxPk).isGreaterThan(0);
                assertThat(Ledger.highestStored(c, Ledger.AUDIT)).isEqualTo(maxPk);
                assertThat(Ledger.highestStored(c, Ledger.RESOURCE)).isZero();
            }
        }
    }
}
