package org.custos.cache;

import org.custos.TestData;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** Forgetting an origin on purpose leaves no trace of it in the cache file once it is compacted. */
class PurgeTest {
    @TempDir
    Path dir;

    /** Marker texts of the purged origin: one only in the raw resources, one also in the search columns. */
    private static final String RAW_ONLY = "QzxRawOnlyMarkerVqj";
    private static final String SEARCHED = "QzxSearchedAgentMarkerVqj";
    private static final String QUARANTINED = "QzxQuarantinedMarkerVqj";
    private static final String CONSENT = "QzxConsentMarkerVqj";

    private static String event(String id, String agent, String language) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"language\":\"" + language + "\","
                + "\"recorded\":\"2025-02-0" + (1 + id.length() % 9) + "T10:00:00Z\",\"agent\":[{\"name\":\"" + agent
                + "\",\"requestor\":true}],\"entity\":[{\"reference\":{\"reference\":\"Patient/p-" + id
                + "\"}}],\"purposeOfEvent\":[{\"coding\":[{\"code\":\"BTG\"}]}]}";
    }

    private static boolean fileContains(Path file, String text) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + needle.length <= all.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (all[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void aPurgedOriginLeavesNoTextOnDiskAfterCompaction() throws Exception {
        Path db = dir.resolve("cache");
        StringBuilder doomed = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            doomed.append(event("d" + i, i == 7 ? SEARCHED : "Nurse " + i, i == 3 ? RAW_ONLY : "en")).append('\n');
        }
        doomed.append("{ \"broken\": \"").append(QUARANTINED).append("\n");
        doomed.append("{\"resourceType\":\"Consent\",\"id\":\"c1\",\"status\":\"active\",\"language\":\"")
                .append(CONSENT).append("\"}\n");
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            // the same ids in another origin: they must survive
            kept.append(event("d" + i, "Keeper " + i, "nl")).append('\n');
        }
        Path doomedFile = dir.resolve("doomed.ndjson");
        Path keptFile = dir.resolve("kept.ndjson");
        Files.writeString(doomedFile, doomed);
        Files.writeString(keptFile, kept);
        Path changed = dir.resolve("doomed2.ndjson");
        Files.writeString(changed, event("d5", "Nurse 5", "fr") + "\n");
        try (Cache cache = Cache.open(db)) {
            Importer importer = new Importer(cache, TestData.FHIR);
            ImportReport r = importer.importFile(doomedFile, "decommissioned", Importer.SILENT);
            assertThat(r.counts("AuditEvent").added).isEqualTo(40);
            assertThat(r.quarantined()).isEqualTo(1);
            importer.importFile(keptFile, Importer.SILENT);
            // a changed version too, so the purge removes kept versions and not only current ones
            assertThat(importer.importFile(changed, "decommissioned", Importer.SILENT).counts("AuditEvent").updated)
                    .isEqualTo(1);
        }
        Path file = dir.resolve("cache.mv.db");
        // the scan can find what it looks for: before the purge, every marker is in the file
        for (String marker : new String[]{RAW_ONLY, SEARCHED, QUARANTINED, CONSENT}) {
            assertThat(fileContains(file, marker)).as("%s before the purge", marker).isTrue();
        }

        try (Cache cache = Cache.open(db)) {
            assertThat(cache.originData().summaries()).extracting(s -> s.origin().name())
                    .contains("decommissioned", "files");
            OriginData.Purged p = cache.originData().purge("decommissioned", () -> false, n -> { });
            assertThat(p.auditVersions()).isEqualTo(41);
            assertThat(p.resources()).isEqualTo(1);
            assertThat(p.quarantined()).isEqualTo(1);
            assertThat(cache.origins().find("decommissioned")).isEmpty();
            assertThat(cache.audit().count(AuditFilter.ALL, 1000)).isEqualTo(40);
            assertThat(cache.audit().count(AuditFilter.ALL.withAgent("Keeper"), 1000)).isEqualTo(40);
            assertThat(cache.audit().count(AuditFilter.ALL.withPurpose("BTG"), 1000)).isEqualTo(40);
            assertThat(cache.audit().count(AuditFilter.ALL.withPatient("Patient/p-d7"), 1000)).isEqualTo(1);
            try (Connection c = cache.connection(); Statement st = c.createStatement()) {
                // no orphaned key rows or raw blocks
                assertThat(count(st, "SELECT COUNT(*) FROM audit_access p WHERE NOT EXISTS (SELECT 1 FROM "
                        + "audit_event e WHERE e.pk = p.event_pk)")).isZero();
                assertThat(count(st, "SELECT COUNT(*) FROM audit_access_day d WHERE NOT EXISTS (SELECT 1 FROM "
                        + "audit_access a WHERE a.k = d.k)")).isZero();
                assertThat(count(st, "SELECT COUNT(*) FROM audit_purpose p WHERE NOT EXISTS (SELECT 1 FROM "
                        + "audit_event e WHERE e.pk = p.event_pk)")).isZero();
                assertThat(count(st, "SELECT COUNT(*) FROM audit_raw_block b WHERE NOT EXISTS (SELECT 1 FROM "
                        + "audit_event e WHERE e.raw_block = b.id)")).isZero();
                assertThat(count(st, "SELECT COUNT(*) FROM audit_agent_key WHERE k LIKE 'nurse%' OR k LIKE "
                        + "'qzx%'")).isZero();
                assertThat(count(st, "SELECT COUNT(*) FROM audit_agent_key WHERE k LIKE 'keeper%'")).isEqualTo(40);
            }
            cache.compactAndClose();
        }
        assertThat(dir.resolve("cache.trace.db")).as("H2's error log: the compaction's closing wrote nothing there")
                .doesNotExist();
        for (String marker : new String[]{RAW_ONLY, SEARCHED, QUARANTINED, CONSENT}) {
            assertThat(fileContains(file, marker)).as("%s after the purge and compaction", marker).isFalse();
        }
        try (Cache cache = Cache.open(db)) {
            assertThat(cache.audit().count(AuditFilter.ALL, 1000)).isEqualTo(40);
            assertThat(cache.audit().rawById("d3").orElseThrow()).contains("Keeper 3");
        }
    }

    private static long count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long max(Cache cache, String sql) throws Exception {
        try (Connection c = cache.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A key is never given twice: after the newest rows were purged (for the resources, every row), a reopened cache
     * gives keys above theirs, found in the ledger (the newest STORED entry of each table, see V12's index).
     */
    @Test
    void keysOfPurgedRowsAreNotGivenAgainAfterReopening() throws Exception {
        Path db = dir.resolve("cache");
        StringBuilder kept = new StringBuilder();
        StringBuilder doomed = new StringBuilder();
        StringBuilder later = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            kept.append(event("k" + i, "Keeper " + i, "en")).append('\n');
            doomed.append(event("d" + i, "Nurse " + i, "en")).append('\n');
            later.append(event("n" + i, "Newcomer " + i, "en")).append('\n');
        }
        doomed.append("{\"resourceType\":\"Consent\",\"id\":\"c1\",\"status\":\"active\"}\n");
        later.append("{\"resourceType\":\"Consent\",\"id\":\"c2\",\"status\":\"active\"}\n");
        Files.writeString(dir.resolve("kept.ndjson"), kept);
        Files.writeString(dir.resolve("doomed.ndjson"), doomed);
        Files.writeString(dir.resolve("later.ndjson"), later);
        long keptMax;
        long purgedEventMax;
        long purgedResourceMax;
        try (Cache cache = Cache.open(db)) {
            Importer importer = new Importer(cache, TestData.FHIR);
            importer.importFile(dir.resolve("kept.ndjson"), Importer.SILENT);
            keptMax = max(cache, "SELECT MAX(pk) FROM audit_event");
            importer.importFile(dir.resolve("doomed.ndjson"), "decommissioned", Importer.SILENT);
            purgedEventMax = max(cache, "SELECT MAX(pk) FROM audit_event");
            purgedResourceMax = max(cache, "SELECT MAX(pk) FROM fhir_resource");
            assertThat(purgedEventMax).isGreaterThan(keptMax);
            assertThat(purgedResourceMax).isPositive();
            cache.originData().purge("decommissioned", () -> false, n -> { });
            assertThat(max(cache, "SELECT MAX(pk) FROM audit_event")).isEqualTo(keptMax);
            assertThat(max(cache, "SELECT COUNT(*) FROM fhir_resource")).isZero();
        }
        try (Cache cache = Cache.open(db)) {
            new Importer(cache, TestData.FHIR).importFile(dir.resolve("later.ndjson"), Importer.SILENT);
            assertThat(max(cache, "SELECT MIN(pk) FROM audit_event WHERE pk > " + keptMax))
                    .as("the first key given after reopening").isGreaterThan(purgedEventMax);
            assertThat(max(cache, "SELECT MIN(pk) FROM fhir_resource")).isGreaterThan(purgedResourceMax);
            assertThat(cache.audit().count(AuditFilter.ALL, 1000)).isEqualTo(60);
        }
    }
}
