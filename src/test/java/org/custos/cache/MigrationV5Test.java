package org.custos.cache;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache of the schema before origins and versions (V4: one origin per imported file, identity by id alone) is
 * migrated without loss: the file origins become "files" (each item keeps the file it came from), servers and the
 * demo data keep theirs, every event, resource, quarantined item, tombstone and checkpoint stays with its origin.
 */
class MigrationV5Test {
    @TempDir
    Path dir;

    private static String event(String id, String agent) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"recorded\":\"2025-03-0" + id.charAt(1)
                + "T10:00:00Z\",\"agent\":[{\"name\":\"" + agent + "\",\"requestor\":true}],"
                + "\"entity\":[{\"reference\":{\"reference\":\"Patient/p" + id.charAt(1) + "\"}}]}";
    }

    @Test
    void aV4CacheMigratesWithoutLoss() throws Exception {
        Path file = dir.resolve("old");
        String url = "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "custos", "");
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").target("4").load().migrate();
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            words.append("word").append(i).append(' ');
        }
        String longText = words + "zebrafinale";
        String e6 = event("e6", "frank").replace("\"recorded\"", "\"outcomeDesc\":\"" + longText + "\",\"recorded\"");
        List<String> texts = List.of(event("e1", "alice"), event("e2", "bob"), event("e3", "carol"),
                event("e4", "dave"), event("e5", "erin"), e6);
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            // ids 1..4, from the identity as V4 gave them
            st.execute("INSERT INTO origin (kind, label, first_seen) VALUES ('file', '/a/one.ndjson', 1), "
                    + "('file', '/b/two.ndjson', 2), ('server', 'http://srv.example/fhir', 3), "
                    + "('demo', 'bundled demo data', 4), ('server', 'http://SRV.Example/fhir', 5)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_raw_block (id, data) VALUES (1, ?)")) {
                ps.setBytes(1, RawBlocks.packUtf8(texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8))
                        .toList()));
                ps.executeUpdate();
            }
            // origin 5 is origin 3 as an older Custos could have named it (the host as typed): one server
            int[] origins = {1, 2, 3, 4, 5, 1};
            for (int i = 0; i < 6; i++) {
                String agent = new String[]{"alice", "bob", "carol", "dave", "erin", "frank"}[i];
                // V4 kept at most 8,000 characters of free text
                String searchText = i == 5 ? longText.toLowerCase(java.util.Locale.ROOT).substring(0, 8000) : "";
                st.execute("INSERT INTO audit_event (pk, res_id, version_id, last_updated, origin_id, content_hash, "
                        + "recorded, type_code, agent_keys, entity_keys, agents, entities, patients, search_text, "
                        + "raw_block, raw_slot, agent_bits) VALUES (" + (i + 1) + ", 'e" + (i + 1) + "', NULL, NULL, "
                        + origins[i] + ", " + IncomingResource.hash(texts.get(i)) + ", " + (1_740_000_000_000L + i)
                        + ", 'rest', '|" + agent + "|', '|patient/p" + (i + 1) + "|', '" + agent + "', '', 'Patient/p"
                        + (i + 1) + "', '" + searchText + "', 1, " + i + ", -1)");
                st.execute("INSERT INTO audit_patient (k, event_pk) VALUES ('patient/p" + (i + 1) + "', " + (i + 1)
                        + ")");
            }
            st.execute("INSERT INTO fhir_resource (res_type, res_id, origin_id, content_hash, deleted, raw) VALUES "
                    + "('Consent', 'c1', 2, 11, FALSE, '{\"resourceType\":\"Consent\",\"id\":\"c1\"}'), "
                    + "('Consent', 'c2', 3, 12, TRUE, '{\"resourceType\":\"Consent\",\"id\":\"c2\"}')");
            st.execute("INSERT INTO tombstone (res_type, res_id, version_id, origin_id, deleted_at) VALUES "
                    + "('Consent', 'c2', '2', 3, 99)");
            // the same bad line in two files: two items, kept apart by the file they came from
            st.execute("INSERT INTO quarantine (at, origin_id, location, reason, content, content_hash) VALUES "
                    + "(1, 1, 'line 2', 'Not valid JSON', '{ x', 5), (2, 2, 'line 2', 'Not valid JSON', '{ x', 5)");
            st.execute("INSERT INTO sync_state (origin_id, res_type, synced_to, last_status) VALUES "
                    + "(3, 'AuditEvent', 1234, 'COMPLETED')");
        }
        pool.dispose();

        try (Cache cache = Cache.open(file)) {
            assertThat(cache.origins().all()).extracting(Origins.Origin::name)
                    .containsExactly("demo", "files", "http://srv.example/fhir");
            assertThat(cache.origins().find("demo").orElseThrow().demo()).isTrue();
            AuditStore audit = cache.audit();
            assertThat(audit.count(AuditFilter.ALL, 10)).isEqualTo(6);
            assertThat(audit.count(AuditFilter.ALL.withOrigin("files"), 10)).isEqualTo(3);
            // the free text V4 had cut is whole again: the last word finds the event
            assertThat(audit.count(AuditFilter.ALL.withText("zebrafinale"), 10)).isEqualTo(1);
            assertThat(audit.count(AuditFilter.ALL.withOrigin("http://srv.example/fhir"), 10)).isEqualTo(2);
            assertThat(audit.count(AuditFilter.ALL.withOrigin("HTTP://SRV.EXAMPLE/fhir/"), 10)).isEqualTo(2);
            assertThat(audit.count(AuditFilter.ALL.withOrigin("demo"), 10)).isEqualTo(1);
            assertThat(audit.count(AuditFilter.ALL.withPatient("Patient/p2"), 10)).isEqualTo(1);
            assertThat(audit.count(AuditFilter.ALL.withFlagged(true), 10)).isZero();
            for (int i = 0; i < 6; i++) {
                assertThat(audit.rawById("e" + (i + 1))).contains(texts.get(i));
            }
            Verifier.Result verified = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(verified.intact()).as("%s", verified.problems()).isTrue();
            assertThat(audit.page(AuditFilter.ALL.withAgent("carol"), null, false, 5)).singleElement()
                    .satisfies(r -> assertThat(r.origin()).isEqualTo("http://srv.example/fhir"));
            assertThat(cache.resources().raw("Consent", "c1")).isPresent();
            assertThat(cache.resources().raw("Consent", "c2")).isEmpty(); // deleted on its server: text removed
            assertThat(cache.sync().deletedCount("Consent")).isEqualTo(1);
            assertThat(cache.quarantine().count()).isEqualTo(2);
            assertThat(cache.quarantine().latest(10)).extracting(QuarantineItem::origin)
                    .containsExactlyInAnyOrder("files · /a/one.ndjson", "files · /b/two.ndjson");
            int server = cache.origins().find("http://srv.example/fhir").orElseThrow().id();
            assertThat(cache.sync().state(server, "AuditEvent").syncedTo()).isEqualTo(1234L);

            // and the migrated cache takes new versions by origin
            int files = cache.origins().idOf("files");
            assertThat(cache.origins().idOf("FILES")).isNotEqualTo(files); // names are exact, only URLs normalized
            assertThat(cache.origins().idOf("HTTP://SRV.example/fhir/")).isEqualTo(server);
        }
    }
}
