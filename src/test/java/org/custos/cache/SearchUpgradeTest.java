package org.custos.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** Caches of earlier schemas get the search rows of their Consents at the upgrade to V6, also after a kill. */
class SearchUpgradeTest {
    @TempDir
    Path dir;

    private static void assertFilled(Cache cache) throws Exception {
        try (Connection c = cache.connection(); Statement st = c.createStatement()) {
            long consents = CacheUpgradeTest.count(st, "SELECT COUNT(*) FROM fhir_resource WHERE res_type = "
                    + "'Consent' AND BITAND(state, 1) = 0");
            assertThat(consents).isGreaterThanOrEqualTo(12);
            assertThat(CacheUpgradeTest.count(st, "SELECT COUNT(*) FROM resource_search")).isEqualTo(consents);
            assertThat(CacheUpgradeTest.count(st, "SELECT COUNT(*) FROM resource_search_fill")).isZero();
            assertThat(cache.consents().count(ConsentStore.ConsentFilter.ALL)).isEqualTo(consents);
        }
        assertThat(cache.consents().page(ConsentStore.ConsentFilter.ALL.withStatuses(java.util.Set.of("active"))
                .withPatient("Patient/f001"), null, 50)).extracting(ConsentStore.ConsentRow::id)
                .contains("consent-example-basic");
        Verifier.Result v = cache.verifier().run(null, () -> false, (d, t) -> { });
        assertThat(v.intact()).as("%s", v.problems()).isTrue();
    }

    @Test
    void theV4FixtureUpgradedToV6HasTheSearchRowsOfItsConsents() throws Exception {
        Path base = dir.resolve("v4");
        CacheFixtures.unpack(CacheFixtures.resource(4), dir.resolve("v4.mv.db"));
        try (Cache cache = Cache.open(base)) {
            assertThat(CacheUpgradeTest.schemaVersion(cache)).isEqualTo(Cache.SCHEMA_VERSION);
            assertFilled(cache);
        }
    }

    @Test
    void aFillInterruptedHalfWayGoesOnAtTheNextOpen() throws Exception {
        Path base = dir.resolve("v5");
        CacheFixtures.unpack(CacheFixtures.resource(5), dir.resolve("v5.mv.db"));
        try (Cache cache = Cache.open(base)) {
            assertFilled(cache);
        }
        // what a kill leaves after some batches committed: rows up to done_to filled, none after it
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + base, "custos", "");
             Statement st = c.createStatement()) {
            long mid = CacheUpgradeTest.count(st, "SELECT MEDIAN(pk) FROM resource_search");
            st.executeUpdate("DELETE FROM resource_word WHERE pk > " + mid);
            assertThat(st.executeUpdate("DELETE FROM resource_search WHERE pk > " + mid)).isPositive();
            st.executeUpdate("INSERT INTO resource_search_fill (done_to) VALUES (" + mid + ")");
        }
        try (Cache cache = Cache.open(base)) {
            assertFilled(cache);
        }
    }
}
