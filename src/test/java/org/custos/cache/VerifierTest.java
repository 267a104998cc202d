package org.custos.cache;

import org.custos.TestData;
import org.custos.sync.Importer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code custos verify} against a cache changed behind Custos's back, one way at a time: each change is named by
 * origin and id; what Custos itself removed on purpose (a purge, a cache window, a server's delete) is not.
 */
class VerifierTest {
    @TempDir
    static Path dir;
    static Path original;

    static String event(String id, String agent, String patient) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",\"recorded\":\"2025-03-01T10:00:0"
                + (id.length() % 10) + "Z\",\"agent\":[{\"name\":\"" + agent + "\",\"requestor\":true}],"
                + "\"purposeOfEvent\":[{\"coding\":[{\"code\":\"TREAT\"}]}],"
                + "\"entity\":[{\"reference\":{\"reference\":\"Patient/" + patient + "\"}}]}";
    }

    @BeforeAll
    static void build() throws Exception {
        original = dir.resolve("original");
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            a.append(event("e" + i, "Alice " + i, "p" + i)).append('\n');
            b.append(event("e" + i, "Bob " + i, "q" + i)).append('\n'); // the same ids from another origin
        }
        a.append("{\"resourceType\":\"Consent\",\"id\":\"c1\",\"status\":\"active\"}\n");
        a.append("{ not json\n");
        Files.writeString(dir.resolve("a.ndjson"), a);
        Files.writeString(dir.resolve("b.ndjson"), b);
        Files.writeString(dir.resolve("a2.ndjson"), event("e3", "Alice changed", "p3") + "\n");
        try (Cache cache = Cache.open(original)) {
            Importer importer = new Importer(cache, TestData.FHIR);
            importer.importFile(dir.resolve("a.ndjson"), Importer.SILENT);
            importer.importFile(dir.resolve("b.ndjson"), "https://other.example/fhir", Importer.SILENT);
            importer.importFile(dir.resolve("a2.ndjson"), Importer.SILENT);
            int other = cache.origins().idOf("https://other.example/fhir");
            // the other server deleted e25 (kept, flagged), and Custos's cache window let e0..e9 go (recorded earlier)
            cache.sync().storeDeletes(SyncState.fresh(other, "AuditEvent"),
                    List.of(new DeletedResource("AuditEvent", "e25", null, System.currentTimeMillis())));
            assertThat(cache.audit().pruneBefore(other, java.time.Instant.parse("2025-03-01T10:00:03Z")
                    .toEpochMilli())).isEqualTo(10);
            assertThat(cache.verifier().run(null, () -> false, (d, t) -> { }).intact()).isTrue();
        }
    }

    /** A copy of the original cache, changed by {@code change} outside Custos, then verified. */
    private static Verifier.Result tamper(String name, Sql change) throws Exception {
        Path copy = dir.resolve(name);
        Files.copy(original.resolveSibling("original.mv.db"), copy.resolveSibling(name + ".mv.db"),
                StandardCopyOption.REPLACE_EXISTING);
        try (Cache cache = Cache.open(copy)) {
            try (Connection c = cache.connection(); Statement st = c.createStatement()) {
                change.run(c, st);
            }
            return cache.verifier().run(null, () -> false, (d, t) -> { });
        }
    }

    private interface Sql {
        void run(Connection c, Statement st) throws Exception;
    }

    private static List<String> lines(Verifier.Result r) {
        return r.problems().stream().map(Verifier.Problem::line).toList();
    }

    @Test
    void anUntouchedCacheIsIntactAndItsHeadVerifies() throws Exception {
        try (Cache cache = Cache.open(original)) {
            String head = cache.ledgerHead();
            Verifier.Result r = cache.verifier().run(head, () -> false, (d, t) -> { });
            assertThat(r.intact()).as(lines(r).toString()).isTrue();
            assertThat(r.headMatches()).isTrue();
            assertThat(r.head()).isEqualTo(head);
            assertThat(r.rows()).isEqualTo(56); // 31 + 20 versions, a Consent, a quarantined line, a delete, two origins
        }
    }

    @Test
    void aChangedSearchColumnIsNamedByOriginAndId() throws Exception {
        Verifier.Result r = tamper("column", (c, st) -> st.executeUpdate(
                "UPDATE audit_event SET agents = 'Mallory' WHERE res_id = 'e5' AND origin_id = (SELECT id FROM origin "
                        + "WHERE name = 'files')"));
        assertThat(r.intact()).isFalse();
        assertThat(lines(r)).containsExactly("changed outside Custos: AuditEvent/e5 (origin files) — it differs from "
                + "what was stored (ledger entry " + lines(r).get(0).replaceAll(".*ledger entry (\\d+)\\)", "$1") + ")");
    }

    @Test
    void aChangedRawTextIsFound() throws Exception {
        Verifier.Result r = tamper("raw", (c, st) -> {
            long block;
            int slot;
            try (ResultSet rs = st.executeQuery("SELECT raw_block, raw_slot FROM audit_event WHERE res_id = 'e17' AND "
                    + "origin_id = (SELECT id FROM origin WHERE name = 'https://other.example/fhir')")) {
                rs.next();
                block = rs.getLong(1);
                slot = rs.getInt(2);
            }
            List<String> texts;
            try (ResultSet rs = st.executeQuery("SELECT data FROM audit_raw_block WHERE id = " + block)) {
                rs.next();
                texts = new ArrayList<>(RawBlocks.unpack(rs.getBytes(1)));
            }
            texts.set(slot, texts.get(slot).replace("Bob 17", "Bob 18"));
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_raw_block SET data = ? WHERE id = ?")) {
                ps.setBytes(1, RawBlocks.packUtf8(texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8))
                        .toList()));
                ps.setLong(2, block);
                ps.executeUpdate();
            }
        });
        assertThat(lines(r)).singleElement().asString()
                .startsWith("changed outside Custos: AuditEvent/e17 (origin https://other.example/fhir)");
    }

    @Test
    void aDeletedAndAnInsertedRowAreFound() throws Exception {
        Verifier.Result r = tamper("rows", (c, st) -> {
            st.executeUpdate("DELETE FROM audit_access WHERE k = 'patient/p11'");
            st.executeUpdate("DELETE FROM audit_event WHERE res_id = 'e11' AND origin_id = (SELECT id FROM origin "
                    + "WHERE name = 'files')");
            st.executeUpdate("INSERT INTO audit_event SELECT pk + 100000, origin_id, 'forged', version_id, "
                    + "last_updated, state, content_hash, recorded, type_code, type_display, subtype_codes, "
                    + "subtype_display, action, outcome, source_site, source_observer, purpose_codes, agent_keys, "
                    + "entity_keys, agents, entities, patients, '', search_text, raw_block, raw_slot, agent_bits, facts_id "
                    + "FROM audit_event WHERE res_id = 'e12' AND origin_id = (SELECT id FROM origin WHERE name = "
                    + "'files')");
        });
        assertThat(lines(r)).anyMatch(l -> l.startsWith("deleted outside Custos: AuditEvent row ")
                        && l.contains("(origin files)"))
                .anyMatch(l -> l.startsWith("inserted outside Custos: AuditEvent/forged (origin files)"))
                .anyMatch(l -> l.startsWith("search index changed outside Custos: the purpose-of-use index"));
    }

    @Test
    void aHiddenPatientIndexRowAndAHiddenVersionAreFound() throws Exception {
        Verifier.Result r = tamper("index", (c, st) -> {
            st.executeUpdate("DELETE FROM audit_access WHERE k = 'patient/p4'");
            st.executeUpdate("UPDATE audit_event SET state = 1 WHERE res_id = 'e6' AND origin_id = (SELECT id FROM "
                    + "origin WHERE name = 'files')");
        });
        assertThat(lines(r)).anyMatch(l -> l.startsWith("search index changed outside Custos: the patient and access "
                + "index"))
                .anyMatch(l -> l.equals("flags changed outside Custos: AuditEvent/e6 (origin files) — none of its 1 "
                        + "versions is current: the browser does not list it"));
    }

    @Test
    void aRemovedOrForgedAccessIndexRowIsFound() throws Exception {
        for (String change : List.of("DELETE FROM audit_access WHERE k = 'patient/p4'",
                "INSERT INTO audit_facts (facts) VALUES ('forged'); UPDATE audit_access SET facts_id = (SELECT id FROM "
                        + "audit_facts WHERE facts = 'forged') WHERE k = 'patient/p5'",
                "UPDATE audit_access SET recorded = recorded + 1 WHERE k = 'patient/p6'")) {
            Verifier.Result r = tamper("access", (c, st) -> {
                for (String sql : change.split("; ")) {
                    assertThat(st.executeUpdate(sql)).as(sql).isPositive();
                }
            });
            assertThat(lines(r)).as(change).contains("search index changed outside Custos: the patient and access "
                    + "index — its rows are not the ones the current events name (rows added, removed or changed): "
                    + "the patient filter and the check of past access against consent would miss or invent events")
                    .allMatch(l -> l.startsWith("search index changed outside Custos: the"));
        }
        // p7's day counts made as Custos makes them when a check first asks (right: verify accepts them), then one changed
        String build = "INSERT INTO audit_access_summary (k) VALUES ('patient/p7'); INSERT INTO audit_access_day (k, "
                + "epoch_day, facts_id, origin_id, n) SELECT k, recorded / 86400000, facts_id, origin_id, COUNT(*) FROM "
                + "audit_access WHERE k = 'patient/p7' GROUP BY k, recorded / 86400000, facts_id, origin_id";
        Verifier.Result right = tamper("access-days-right", (c, st) -> {
            for (String sql : build.split("; ")) {
                assertThat(st.executeUpdate(sql)).as(sql).isPositive();
            }
        });
        assertThat(lines(right)).isEmpty();
        // the facts recorded with an event changed: what finds its index rows again
        Verifier.Result forgedId = tamper("access-facts-id", (c, st) -> assertThat(st.executeUpdate("UPDATE audit_event "
                + "SET facts_id = (SELECT MAX(id) FROM audit_facts) WHERE facts_id <> (SELECT MAX(id) FROM audit_facts) "
                + "AND res_id = 'e15' AND origin_id = (SELECT id FROM origin WHERE name = 'files')")).isPositive());
        assertThat(lines(forgedId)).singleElement().satisfies(l -> assertThat(l).startsWith(
                "search index changed outside Custos: AuditEvent/e15 (origin files) — the facts recorded with it"));
        Verifier.Result r = tamper("access-days", (c, st) -> {
            for (String sql : (build + "; UPDATE audit_access_day SET n = n + 1 WHERE k = 'patient/p7'").split("; ")) {
                assertThat(st.executeUpdate(sql)).as(sql).isPositive();
            }
        });
        assertThat(lines(r)).containsExactly("search index changed outside Custos: the access index's day counts — "
                + "they are not the counts of its rows: a check of past access against consent would count events "
                + "that are not there, or miss some");
    }

    @Test
    void aChangedConsentAndARemovedQuarantineItemAreFound() throws Exception {
        Verifier.Result r = tamper("other", (c, st) -> {
            st.executeUpdate("UPDATE fhir_resource SET raw = REPLACE(raw, 'active', 'rejected')");
            st.executeUpdate("DELETE FROM quarantine");
        });
        assertThat(lines(r)).anyMatch(l -> l.startsWith("changed outside Custos: Consent/c1 (origin files)"))
                .anyMatch(l -> l.startsWith("deleted outside Custos: quarantined item row"));
    }

    /**
     * Someone who rewrites the whole chain after a change is not caught by the chain alone: a head written down
     * before is what catches it.
     */
    @Test
    void aRewrittenChainPassesAloneButNotAgainstAnEarlierHead() throws Exception {
        String head;
        try (Cache cache = Cache.open(original)) {
            head = cache.ledgerHead();
        }
        tamper("rewritten", (c, st) -> {
            st.executeUpdate("UPDATE fhir_resource SET raw = REPLACE(raw, 'active', 'rejected')");
            // the forger's own ledger: every fingerprint and link computed again over the changed rows (as Custos
            // does for an old cache at the next open)
            st.executeUpdate("DELETE FROM ledger");
            st.execute("CREATE TABLE ledger_seal_pending (tbl VARCHAR(32) PRIMARY KEY, done_to BIGINT NOT NULL)");
            st.execute("INSERT INTO ledger_seal_pending VALUES ('origin', 0), ('audit_event', 0), "
                    + "('fhir_resource', 0), ('quarantine', 0), ('tombstone', 0)");
            // and the search rows derived again from the changed texts (as after an upgrade to V6)
            st.executeUpdate("DELETE FROM resource_search");
            st.executeUpdate("DELETE FROM resource_word");
            st.executeUpdate("INSERT INTO resource_search_fill (done_to) VALUES (0)");
        });
        Path copy = dir.resolve("rewritten");
        try (Cache cache = Cache.open(copy)) {
            Verifier.Result alone = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(alone.intact()).as("the forged chain is consistent in itself: %s", lines(alone)).isTrue();
            Verifier.Result withHead = cache.verifier().run(head, () -> false, (d, t) -> { });
            assertThat(withHead.headMatches()).isFalse();
            assertThat(withHead.intact()).isFalse();
        }
    }

    @Test
    void aPurgeIsNotMistakenForTampering() throws Exception {
        Verifier.Result r = tamper("purge", (c, st) -> { });
        assertThat(r.intact()).isTrue();
        Path copy = dir.resolve("purge");
        try (Cache cache = Cache.open(copy)) {
            cache.originData().purge("https://other.example/fhir", () -> false, n -> { });
            Verifier.Result after = cache.verifier().run(null, () -> false, (d, t) -> { });
            assertThat(after.intact()).as(lines(after).toString()).isTrue();
        }
    }

    @Test
    void swappedOrClearedFlagsAreFoundThoughEveryEventStillHasOneCurrentVersion() throws Exception {
        Verifier.Result r = tamper("flags", (c, st) -> {
            // e3 has two versions in "files": make the earlier one current again, and clear e25's deleted flag
            st.executeUpdate("UPDATE audit_event SET state = CASE WHEN BITAND(state, 1) = 0 THEN 1 ELSE 2 END "
                    + "WHERE res_id = 'e3' AND origin_id = (SELECT id FROM origin WHERE name = 'files')");
            st.executeUpdate("UPDATE audit_event SET state = 0 WHERE res_id = 'e25' AND origin_id = (SELECT id FROM "
                    + "origin WHERE name = 'https://other.example/fhir')");
        });
        assertThat(lines(r)).filteredOn(l -> l.startsWith("flags changed outside Custos: AuditEvent/e3 (origin files)"))
                .hasSize(2);
        assertThat(lines(r)).anyMatch(l -> l.startsWith("flags changed outside Custos: AuditEvent/e25 (origin "
                + "https://other.example/fhir) — its flags say the current version, the ledger recorded the current "
                + "version (deleted)"));
    }

    /** A forger who extends the chain after a noted head, to cover a change or a deletion, does not pass unseen. */
    @Test
    void entriesAddedAfterANotedHeadAreShown() throws Exception {
        String head;
        try (Cache cache = Cache.open(original)) {
            head = cache.ledgerHead();
        }
        tamper("extended", (c, st) -> {
            // a changed Consent, covered by a new fingerprint for its row
            st.executeUpdate("UPDATE fhir_resource SET raw = REPLACE(raw, 'active', 'rejected')");
            long pk;
            Object[] values;
            try (ResultSet rs = st.executeQuery("SELECT pk, " + StoredRows.RESOURCE_COLUMNS + " FROM fhir_resource")) {
                rs.next();
                pk = rs.getLong(1);
                values = StoredRows.read(rs, 2, 7);
            }
            Ledger.append(c, Ledger.STORED, ((Number) values[2]).intValue(), Ledger.RESOURCE, new long[]{pk},
                    new byte[][]{StoredRows.leaf(new Leaf(), Ledger.RESOURCE, values)}, new int[]{0});
            // a deleted AuditEvent, covered by a removal of the forger's own
            long gone;
            try (ResultSet rs = st.executeQuery("SELECT pk FROM audit_event WHERE res_id = 'e8' AND origin_id = "
                    + "(SELECT id FROM origin WHERE name = 'files')")) {
                rs.next();
                gone = rs.getLong(1);
            }
            st.executeUpdate("DELETE FROM audit_access WHERE event_pk = " + gone);
            st.executeUpdate("DELETE FROM audit_purpose WHERE event_pk = " + gone);
            st.executeUpdate("DELETE FROM audit_event WHERE pk = " + gone);
            Ledger.removed(c, Ledger.PURGE, null, Ledger.AUDIT, new long[]{gone});
        });
        try (Cache cache = Cache.open(dir.resolve("extended"))) {
            Verifier.Result r = cache.verifier().run(head, () -> false, (d, t) -> { });
            assertThat(r.headMatches()).as("the chain still leads through the head").isTrue();
            assertThat(r.intact()).isFalse();
            assertThat(lines(r)).anyMatch(l -> l.startsWith("ledger damaged: ledger entry") && l.contains("again"));
            assertThat(r.removedSinceHead()).singleElement().asString().contains("1 audit_event row(s)")
                    .contains("(purge)");
        }
    }
}
