package org.custos.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Creating and upgrading the cache file: copies, restores, leftovers, permissions (in-process; kills: CacheKillTest). */
class CacheUpgradeTest {
    @TempDir
    Path dir;

    /**
     * The schema of the previous Custos's cache: the newest fixture older than {@link Cache#SCHEMA_VERSION} (a
     * migration number can be skipped while branches are merged: V7 arrived on a branch without V6).
     */
    static int previousVersion() {
        for (int v = Cache.SCHEMA_VERSION - 1; v > 0; v--) {
            if (CacheFixtures.resource(v) != null) {
                return v;
            }
        }
        throw new AssertionError("no src/test/resources/caches/cache-vN.mv.db.gz older than schema "
                + Cache.SCHEMA_VERSION);
    }

    /** The filled cache of the previous Custos (see {@link #previousVersion()}), unpacked as {@code dir/NAME.mv.db}. */
    static Path previousFixture(Path dir, String name) throws Exception {
        Path gz = CacheFixtures.resource(previousVersion());
        assertThat(gz).as("src/test/resources/caches/cache-v" + previousVersion() + ".mv.db.gz").isNotNull();
        Path base = dir.resolve(name);
        CacheFixtures.unpack(gz, dir.resolve(name + ".mv.db"));
        return base;
    }

    static int schemaVersion(Cache cache) throws SQLException {
        try (Connection c = cache.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT MAX(CAST(\"version\" AS INT)) FROM \"flyway_schema_history\" WHERE \"success\"")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The current AuditEvents of the fixture: cache-v5 holds the 2,000 demo events and the 8 official examples (its
     * "sync" delete came before the demo event's lastUpdated, so the code that made it did not apply it; cache-v4
     * had 2,007).
     */
    static final long CURRENT_EVENTS = 2_008;

    static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The cache holds every row of the fixture (same counts in every table the fixture has) and its raw texts. */
    static void assertHoldsAllOf(Cache cache, Map<String, Long> fixtureCounts) throws SQLException {
        assertThat(schemaVersion(cache)).isEqualTo(Cache.SCHEMA_VERSION);
        Map<String, Long> now;
        try (Connection c = cache.connection()) {
            now = CacheFixtures.rowCounts(c);
        }
        // every table keeps its rows, but for origins: V5 merged the one-per-file origins of V4 into "files"; and V8
        // replaced the patient index of every version by the access index of the current ones
        Map<String, Long> expected = new java.util.TreeMap<>(fixtureCounts);
        Long origins = expected.remove("origin");
        Long patientKeys = expected.remove("AUDIT_PATIENT");
        patientKeys = patientKeys == null ? expected.remove("audit_patient") : patientKeys;
        assertThat(now).containsAllEntriesOf(expected);
        assertThat(now).doesNotContainKeys("AUDIT_PATIENT", "audit_patient");
        if (patientKeys != null) {
            try (Connection c = cache.connection(); Statement st = c.createStatement()) {
                // the fixture's patient keys of current versions are all in the access index (superseded ones: not)
                assertThat(count(st, "SELECT COUNT(*) FROM audit_access")).isPositive().isLessThanOrEqualTo(patientKeys);
                assertThat(count(st, "SELECT COUNT(*) FROM audit_access_fill")).isZero();
            }
        }
        assertThat(now.get("origin")).isBetween(1L, origins);
        assertThat(cache.origins().all()).extracting(Origins.Origin::name).contains("files");
        // and the upgraded rows are in the ledger (sealed, also when a kill interrupted the sealing)
        Verifier.Result verified = cache.verifier().run(null, () -> false, (d, t) -> { });
        assertThat(verified.intact()).as("%s", verified.problems()).isTrue();
        assertThat(cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(CURRENT_EVENTS);
        // V6: every current Consent got its search row, and the list finds it
        try (Connection c = cache.connection(); Statement st = c.createStatement()) {
            long consents = count(st, "SELECT COUNT(*) FROM fhir_resource WHERE res_type = 'Consent' AND "
                    + "BITAND(state, 1) = 0");
            assertThat(consents).isGreaterThanOrEqualTo(12);
            assertThat(cache.consents().count(ConsentStore.ConsentFilter.ALL)).isEqualTo(consents);
            assertThat(count(st, "SELECT COUNT(*) FROM resource_search_fill")).isZero();
        }
        assertThat(cache.consents().page(ConsentStore.ConsentFilter.ALL.withPatient("Patient/f001")
                .withText("goodhealth"), null, 10)).extracting(ConsentStore.ConsentRow::id)
                .contains("consent-example-basic");
        List<String> lines = CacheFixtures.demoAuditLines(3);
        for (String line : lines) {
            String id = line.substring(line.indexOf("\"id\":\"") + 6, line.indexOf('"', line.indexOf("\"id\":\"") + 6));
            assertThat(cache.audit().rawById(id)).as(id).contains(line);
        }
        assertThat(cache.resources().raw("Consent", "consent-example-basic")).get().asString()
                .startsWith("{\"resourceType\":\"Consent\",\"id\":\"consent-example-basic\"");
        assertThat(cache.audit().rawById("example-disclosure")).isPresent();
    }

    static List<String> leftovers(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.contains(".creating") || n.contains(".before-v") || n.contains(".upgrading"))
                    .toList();
        }
    }

    /**
     * What the file at {@code base} holds: rows per table (so also which tables) and its schema version. Not its
     * bytes: H2 writes to the file whenever it opens and closes it, also just to read the schema version.
     */
    static String content(Path base) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + base + ";IFEXISTS=TRUE", "custos", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(CAST(\"version\" AS INT)), "
                     + "COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\"")) {
            rs.next();
            return CacheFixtures.rowCounts(c) + " schema " + rs.getInt(1) + " (" + rs.getInt(2) + " migrations)";
        }
    }

    @Test
    void aFilledCacheOfThePreviousSchemaIsUpgradedWithEveryRow() throws Exception {
        Path base = previousFixture(dir, "cache");
        Map<String, Long> before = CacheFixtures.rowCounts(base);
        assertThat(before).containsEntry("audit_event", 2_014L).containsEntry("fhir_resource", 28L)
                .containsEntry("quarantine", 2L).containsEntry("sync_state", 1L);
        try (Cache cache = Cache.open(base)) {
            assertThat(cache.openNotice()).get().asString().contains("upgraded from schema version "
                    + previousVersion() + " to " + Cache.SCHEMA_VERSION);
            assertHoldsAllOf(cache, before);
            SyncState s = cache.sync().state(cache.origins().idOf("http://127.0.0.1:8091/fhir"),
                    "AuditEvent");
            assertThat(s.lastStatus()).isEqualTo("COMPLETED");
            assertThat(s.filterKey()).isEqualTo("days=0");
        }
        assertThat(leftovers(dir)).as("the copy is deleted after a successful upgrade").isEmpty();
        assertThat(dir.resolve("cache.trace.db")).as("H2's error log: the upgrade's closing wrote nothing there")
                .doesNotExist();
        try (Cache again = Cache.open(base)) {
            assertThat(again.openNotice()).isEmpty();
        }
    }

    /** An encrypted cache is upgraded as a plain one is, and stays encrypted (its copy too: a copy of its bytes). */
    @Test
    void anEncryptedCacheOfThePreviousSchemaIsUpgradedAndStaysEncrypted() throws Exception {
        Path plain = previousFixture(dir, "plain");
        Map<String, Long> before = CacheFixtures.rowCounts(plain);
        CacheKey key = CacheKey.random();
        Path base = dir.resolve("cache");
        CacheKeys.copyCompacted(plain, null, base, key); // the fixture encrypted (a compacted copy), at its schema
        Files.delete(dir.resolve("plain.mv.db"));
        assertThat(CacheKeys.keyId(base)).contains(key.id());
        try (Cache cache = Cache.open(base, key)) {
            assertThat(cache.openNotice()).get().asString().contains("upgraded from schema version "
                    + previousVersion() + " to " + Cache.SCHEMA_VERSION);
            assertThat(cache.encrypted()).isTrue();
            assertHoldsAllOf(cache, before);
        }
        assertThat(leftovers(dir)).as("the copy is deleted after a successful upgrade").isEmpty();
        assertThat(CacheKeys.keyId(base)).as("still encrypted with its key").contains(key.id());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("nothing beside the cache but its lock").containsOnly("cache.mv.db", "cache.open.lock");
        }
        try (Cache again = Cache.open(base, key)) {
            assertThat(again.openNotice()).isEmpty();
            assertThat(again.audit().count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(CURRENT_EVENTS);
        }
    }

    @Test
    void aFailingMigrationRestoresTheCopyAndSaysSo() throws Exception {
        Path base = previousFixture(dir, "cache");
        String before = content(base);
        assertThat(before).contains("schema " + previousVersion());
        Map<String, Long> counts = CacheFixtures.rowCounts(base);
        assertThatThrownBy(() -> Cache.open(base, List.of("classpath:db/migration", "classpath:db/failing")))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("failed")
                .hasMessageContaining("restored from the copy made before the upgrade")
                .hasMessageContaining("The error: ")
                .hasMessageNotContaining("repair")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(content(base)).as("the cache as it was before the upgrade").isEqualTo(before);
        assertThat(leftovers(dir)).isEmpty();
        try (Cache cache = Cache.open(base)) { // the real migrations then succeed
            assertHoldsAllOf(cache, counts);
        }
    }

    /** An upgraded file that does not open again is not trusted: the copy goes back, as after a failed migration. */
    @Test
    void anUpgradedFileThatDoesNotOpenAgainIsReplacedByTheCopy() throws Exception {
        Path base = previousFixture(dir, "cache");
        String before = content(base);
        Map<String, Long> counts = CacheFixtures.rowCounts(base);
        int[] opened = {0};
        // openings: the schema's check, the migration, then the upgraded file again
        assertThatThrownBy(() -> CacheFiles.open(base, Cache.SCHEMA_VERSION, List.of("classpath:db/migration"),
                b -> {
                    if (++opened[0] == 3) {
                        throw new CacheException("the upgraded file does not open (test)", null);
                    }
                    return CachePool.connect(b, null);
                }))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("restored from the copy made before the upgrade")
                .hasMessageContaining("the upgraded file does not open (test)");
        assertThat(opened[0]).isEqualTo(3);
        assertThat(content(base)).as("the cache as it was before the upgrade").isEqualTo(before);
        assertThat(leftovers(dir)).isEmpty();
        try (Cache cache = Cache.open(base)) {
            assertHoldsAllOf(cache, counts);
        }
    }

    /** The Provenance stored before V9 are in the Provenance list after the upgrade (the fill after the migration). */
    @Test
    void theProvenanceStoredBeforeAreListed() throws Exception {
        Path base = previousFixture(dir, "listed");
        long current;
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + base, "custos", "");
             Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM fhir_resource WHERE res_type = "
                     + "'Provenance' AND BITAND(state, 1) = 0")) {
            rs.next();
            current = rs.getLong(1);
        }
        assertThat(current).isPositive();
        try (Cache cache = Cache.open(base)) {
            assertThat(cache.provenance().count(ProvenanceStore.Filter.ALL, 10_000)).isEqualTo(current);
            assertThat(cache.provenance().page(ProvenanceStore.Filter.ALL, null, 100))
                    .allSatisfy(r -> assertThat(r.targets()).isNotEmpty());
        }
    }

    /** What a crash in the middle of an upgrade leaves: the copy, the marker, a half-migrated file. */
    @Test
    void anInterruptedUpgradeIsRestoredFromTheCopyAndDoneAgain() throws Exception {
        Path base = previousFixture(dir, "cache");
        Map<String, Long> counts = CacheFixtures.rowCounts(base);
        Path backup = dir.resolve("cache.mv.db.before-v" + Cache.SCHEMA_VERSION);
        Files.copy(dir.resolve("cache.mv.db"), backup);
        Files.writeString(dir.resolve("cache.upgrading"), backup.getFileName().toString());
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + base, "custos", "");
             Statement st = c.createStatement()) {
            st.execute("DROP TABLE audit_facts"); // half a migration that went wrong, committed
        }
        try (Cache cache = Cache.open(base)) {
            assertThat(cache.openNotice()).contains(CacheFiles.INTERRUPTED);
            assertHoldsAllOf(cache, counts);
        }
        assertThat(leftovers(dir)).isEmpty();
    }

    /** The short moments the kill test rarely hits: each state a crash can leave between two file operations. */
    @Test
    void everyStateBetweenTheFileStepsOfAnUpgradeOpens() throws Exception {
        String copy = "cache.mv.db.before-v" + Cache.SCHEMA_VERSION;
        // killed while copying: a partial copy, no marker; the cache itself untouched
        Path a = Files.createDirectories(dir.resolve("copying"));
        Map<String, Long> counts = CacheFixtures.rowCounts(previousFixture(a, "cache"));
        Files.write(a.resolve(copy + ".tmp"), new byte[]{1, 2, 3});
        // killed while writing the marker: the copy is complete, the marker only half there
        Path b = Files.createDirectories(dir.resolve("marking"));
        previousFixture(b, "cache");
        Files.copy(b.resolve("cache.mv.db"), b.resolve(copy));
        Files.writeString(b.resolve("cache.upgrading.tmp"), "cache.mv");
        // killed just after the copy was renamed back over a failed upgrade: the marker without its copy
        Path c = Files.createDirectories(dir.resolve("restored"));
        previousFixture(c, "cache");
        Files.writeString(c.resolve("cache.upgrading"), copy);
        // killed after a successful upgrade, between deleting the marker and the copy: an upgraded cache and its copy
        Path d = Files.createDirectories(dir.resolve("upgraded"));
        previousFixture(d, "cache");
        Cache.open(d.resolve("cache")).close();
        previousFixture(Files.createDirectories(dir.resolve("elsewhere")), "cache");
        Files.move(dir.resolve("elsewhere").resolve("cache.mv.db"), d.resolve(copy));
        for (Path folder : List.of(a, b, c, d)) {
            try (Cache cache = Cache.open(folder.resolve("cache"))) {
                assertHoldsAllOf(cache, counts);
            }
            assertThat(leftovers(folder)).as(folder.toString()).isEmpty();
        }
    }

    @Test
    void aCacheOfANewerCustosIsLeftUntouched() throws Exception {
        try (Cache c = Cache.open(dir.resolve("cache")); Connection con = c.connection();
             Statement st = con.createStatement()) {
            st.execute("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", "
                    + "\"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") VALUES "
                    + "(99, '" + (Cache.SCHEMA_VERSION + 1) + "', 'future', 'SQL', 'V_future.sql', 0, 'x', 1, TRUE)");
        }
        String before = content(dir.resolve("cache"));
        assertThatThrownBy(() -> Cache.open(dir.resolve("cache"))).isInstanceOf(CacheException.class)
                .hasMessageContaining("newer version of Custos").hasMessageContaining("left unchanged");
        assertThat(content(dir.resolve("cache"))).isEqualTo(before);
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void aNewCacheIsPrivateAndLeftoversOfAKilledCreationAreRemoved() throws Exception {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path folder = dir.resolve("data").resolve("custos");
        Files.createDirectories(folder.getParent());
        Files.writeString(folder.getParent().resolve("x"), "");
        // what a kill -9 during creation leaves: a half-written temporary file
        Files.createDirectories(folder);
        Files.write(folder.resolve("cache.creating.mv.db"), new byte[]{1, 2, 3});
        try (Cache c = Cache.open(folder.resolve("cache.mv.db"))) {
            assertThat(schemaVersion(c)).isEqualTo(Cache.SCHEMA_VERSION);
            assertThat(c.openNotice()).isEmpty();
        }
        assertThat(leftovers(folder)).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("cache.mv.db"))))
                .isEqualTo("rw-------");

        Path fresh = dir.resolve("new").resolve("deeper");
        try (Cache c = Cache.open(fresh.resolve("cache"))) {
            assertThat(c.file()).isEqualTo(fresh.resolve("cache.mv.db"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.getParent())))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve("cache.mv.db"))))
                .isEqualTo("rw-------");
    }

    @Test
    void theCopyMadeBeforeAnUpgradeIsPrivate() throws Exception {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path base = previousFixture(dir, "cache");
        Files.setPosixFilePermissions(dir.resolve("cache.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
        // the copy is renamed back when the upgrade fails: then the cache itself is the 0600 copy
        assertThatThrownBy(() -> Cache.open(base, List.of("classpath:db/migration", "classpath:db/failing")))
                .isInstanceOf(CacheException.class);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cache.mv.db"))))
                .isEqualTo("rw-------");
    }

    /** An older Custos killed while creating a cache left a failed first migration: it held no data. */
    @Test
    void aCacheWhoseCreationFailedUnderAnOlderCustosIsCreatedAgain() throws Exception {
        try (Cache c = Cache.open(dir.resolve("cache")); Connection con = c.connection();
             Statement st = con.createStatement()) {
            st.execute("DELETE FROM \"flyway_schema_history\" WHERE \"version\" <> '1'");
            st.execute("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE");
        }
        try (Cache c = Cache.open(dir.resolve("cache"))) {
            assertThat(c.openNotice()).get().asString().contains("created again");
            assertThat(schemaVersion(c)).isEqualTo(Cache.SCHEMA_VERSION);
        }
    }

    @Test
    void aCacheHalfUpgradedByAnOlderCustosIsRefusedWithoutAskingForARepair() throws Exception {
        try (Cache c = Cache.open(dir.resolve("cache")); Connection con = c.connection();
             Statement st = con.createStatement()) {
            st.execute("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '"
                    + Cache.SCHEMA_VERSION + "'");
        }
        assertThatThrownBy(() -> Cache.open(dir.resolve("cache"))).isInstanceOf(CacheException.class)
                .hasMessageContaining("half-upgraded").hasMessageNotContaining("repair");
    }
}
