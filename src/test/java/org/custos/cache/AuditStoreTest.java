package org.custos.cache;

import org.custos.TestData;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Keyset paging and the filters, on a small log with known answers. */
class AuditStoreTest {
    @TempDir
    static Path dir;
    static Cache cache;

    static String event(int i, String recorded, String user, String patient, String action, String outcome,
                        String purpose) {
        return "{\"resourceType\":\"AuditEvent\",\"id\":\"e" + i + "\",\"type\":{\"system\":\"http://hl7.org/fhir/"
                + "audit-event-type\",\"code\":\"rest\",\"display\":\"RESTful Operation\"},\"subtype\":[{\"code\":"
                + "\"read\"}],\"action\":\"" + action + "\",\"recorded\":\"" + recorded + "\",\"outcome\":\""
                + outcome + "\"" + (purpose == null ? "" : ",\"purposeOfEvent\":[{\"coding\":[{\"code\":\"" + purpose
                + "\"}]}]") + ",\"agent\":[{\"userId\":{\"value\":\"" + user + "\"},\"name\":\"User " + user
                + "\",\"requestor\":true}],\"source\":{\"site\":\"North\",\"identifier\":{\"value\":\"ehr.north\"}},"
                + "\"entity\":[{\"reference\":{\"reference\":\"Patient/" + patient + "/_history/2\"},\"role\":"
                + "{\"code\":\"1\"}},{\"reference\":{\"reference\":\"Observation/o" + i + "\"},\"description\":"
                + "\"blood pressure\"}]}";
    }

    @BeforeAll
    static void fill() throws IOException {
        cache = Cache.open(dir.resolve("cache"));
        List<String> lines = new ArrayList<>();
        // 250 events in one instant (ties across page boundaries), 250 spread over January
        for (int i = 0; i < 250; i++) {
            lines.add(event(i, "2024-02-01T12:00:00Z", i % 2 == 0 ? "alice" : "bob", "p" + (i % 5), "R", "0", null));
        }
        for (int i = 250; i < 500; i++) {
            String t = String.format("2024-01-%02dT%02d:00:00Z", 1 + (i % 28), i % 24);
            lines.add(event(i, t, "carol", "p" + (i % 7), i % 10 == 0 ? "U" : "R", i % 25 == 0 ? "4" : "0",
                    i % 50 == 0 ? "BTG" : null));
        }
        Path f = dir.resolve("log.ndjson");
        Files.write(f, lines);
        new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    private static List<AuditSummary> all(AuditFilter f, boolean asc, int pageSize) {
        return all(cache, f, asc, pageSize);
    }

    private static List<AuditSummary> all(Cache cache, AuditFilter f, boolean asc, int pageSize) {
        List<AuditSummary> out = new ArrayList<>();
        Keyset after = null;
        while (true) {
            List<AuditSummary> page = cache.audit().page(f, after, asc, pageSize);
            out.addAll(page);
            if (page.size() < pageSize) {
                return out;
            }
            after = Keyset.after(page.get(page.size() - 1));
        }
    }

    @Test
    void keysetPagesVisitEveryEventOnceInOrderEvenWithTies() {
        for (boolean asc : new boolean[]{false, true}) {
            List<AuditSummary> rows = all(AuditFilter.ALL, asc, 37);
            assertThat(rows).hasSize(500);
            assertThat(rows.stream().map(AuditSummary::id).collect(Collectors.toSet())).hasSize(500);
            for (int i = 1; i < rows.size(); i++) {
                AuditSummary a = rows.get(i - 1);
                AuditSummary b = rows.get(i);
                int cmp = a.recorded() != b.recorded() ? Long.compare(a.recorded(), b.recorded())
                        : Long.compare(a.pk(), b.pk());
                assertThat(asc ? cmp < 0 : cmp > 0).as("order at %d", i).isTrue();
            }
        }
    }

    @Test
    void keysAgreeWithPagesAndByPksKeepsTheirOrder() {
        AuditFilter f = AuditFilter.ALL.withAgent("bob");
        List<Long> pks = new ArrayList<>();
        Optional<Keyset> next = cache.audit().keys(f, null, false, 40, pks::add);
        while (next.isPresent()) {
            next = cache.audit().keys(f, next.get(), false, 40, pks::add);
        }
        assertThat(pks).hasSize(125).doesNotHaveDuplicates();
        assertThat(all(f, false, 1000).stream().map(AuditSummary::pk).toList()).isEqualTo(pks);
        // the storage-order scan sorted in memory gives the same keys in the same order
        assertThat(AuditStore.scansBetterUnordered(f)).isTrue();
        assertThat(cache.audit().sortedKeys(f, false, () -> false)).containsExactly(
                pks.stream().mapToLong(Long::longValue).toArray());
        List<Long> asc = new ArrayList<>(pks);
        java.util.Collections.reverse(asc);
        assertThat(cache.audit().sortedKeys(f, true, () -> false)).containsExactly(
                asc.stream().mapToLong(Long::longValue).toArray());
        assertThat(cache.audit().sortedKeys(f, true, () -> true)).isNull();
        assertThat(AuditStore.scansBetterUnordered(AuditFilter.ALL.withFrom(1L))).isFalse();
        assertThat(AuditStore.scansBetterUnordered(AuditFilter.ALL.withAgent("x").withPatient("p1"))).isFalse();
        long[] some = {pks.get(7), pks.get(3), pks.get(100)};
        assertThat(cache.audit().byPks(some).stream().map(AuditSummary::pk).toList())
                .containsExactly(pks.get(7), pks.get(3), pks.get(100));
    }

    @Test
    void filtersMatchAsDocumented() {
        AuditStore s = cache.audit();
        assertThat(s.count(AuditFilter.ALL, Long.MAX_VALUE)).isEqualTo(500);
        assertThat(s.count(AuditFilter.ALL.withAgent("ALI"), 1000)).isEqualTo(125); // prefix, any case
        assertThat(s.count(AuditFilter.ALL.withAgent("user carol"), 1000)).isEqualTo(250); // name
        // patient: exact, version stripped, bare id means Patient/id
        long p3 = IntStream.range(0, 250).filter(i -> i % 5 == 3).count()
                + IntStream.range(250, 500).filter(i -> i % 7 == 3).count();
        assertThat(s.count(AuditFilter.ALL.withPatient("Patient/p3"), 1000)).isEqualTo(p3);
        assertThat(s.count(AuditFilter.ALL.withPatient("p3"), 1000)).isEqualTo(p3);
        assertThat(s.count(AuditFilter.ALL.withPatient("p"), 1000)).isZero();
        assertThat(s.count(AuditFilter.ALL.withEntity("observation/o12"), 1000)).isEqualTo(11); // o12, o120..o129
        assertThat(s.count(AuditFilter.ALL.withAction("u"), 1000)).isEqualTo(25);
        assertThat(s.count(AuditFilter.ALL.withOutcome("4"), 1000)).isEqualTo(10);
        assertThat(s.count(AuditFilter.ALL.withPurpose("BTG"), 1000)).isEqualTo(5);
        assertThat(s.count(AuditFilter.ALL.withType("rest"), 1000)).isEqualTo(500);
        assertThat(s.count(AuditFilter.ALL.withType("restful operation"), 1000)).isEqualTo(500);
        assertThat(s.count(AuditFilter.ALL.withSubtype("read"), 1000)).isEqualTo(500);
        assertThat(s.count(AuditFilter.ALL.withSource("NORTH"), 1000)).isEqualTo(500);
        assertThat(s.count(AuditFilter.ALL.withText("blood pressure o499"), 1000)).isEqualTo(1);
        long feb = FhirTimes.parseUserTime("2024-02-01", false);
        assertThat(s.count(AuditFilter.ALL.withFrom(feb), 1000)).isEqualTo(250);
        assertThat(s.count(AuditFilter.ALL.withTo(feb - 1), 1000)).isEqualTo(250);
        // combined: carol's failed updates in January
        Set<String> ids = new HashSet<>();
        all(AuditFilter.ALL.withAgent("carol").withAction("U").withOutcome("4").withTo(feb), false, 10)
                .forEach(r -> ids.add(r.id()));
        Set<String> expected = IntStream.range(250, 500).filter(i -> i % 10 == 0 && i % 25 == 0)
                .mapToObj(i -> "e" + i).collect(Collectors.toSet());
        assertThat(ids).isEqualTo(expected).isNotEmpty();
        // a LIKE wildcard typed by a user is a plain character
        assertThat(s.count(AuditFilter.ALL.withAgent("%"), 1000)).isZero();
        assertThat(s.count(AuditFilter.ALL, 100)).isEqualTo(100);
    }

    /**
     * The agent pre-check (bits on the browse index, see AgentIndex) never changes an answer: the same counts and
     * pages as the plain LIKE, for events stored before it existed (bits -1) and for a key containing '|'.
     */
    @Test
    void agentPreCheckNeverHidesAMatch() throws Exception {
        try (Cache own = Cache.open(dir.resolve("agents/cache"))) {
            checkAgentPreCheck(own);
        }
    }

    private static void checkAgentPreCheck(Cache cache) throws Exception {
        Path f = dir.resolve("agents.ndjson");
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("log.ndjson")));
        lines.add(event(900, "2023-06-01T00:00:00Z", "dave|erin", "p1", "R", "0", null));
        Files.write(f, lines);
        new Importer(cache, TestData.FHIR).importFile(f, Importer.SILENT);
        try (var c = cache.connection()) {
            assertThat(AgentIndex.mask(c, "alice")).isNotEqualTo(AgentIndex.ALL);
            // the bit of the one term starting with "alice", plus the bit rows from before V4 carry
            assertThat(Long.bitCount(AgentIndex.mask(c, "alice"))).isEqualTo(2);
            assertThat(AgentIndex.mask(c, "nobody")).isEqualTo(AgentIndex.OLD_ROWS);
            assertThat(AgentIndex.mask(c, "a|b")).isEqualTo(AgentIndex.ALL);
        }
        var s = cache.audit();
        for (String who : List.of("alice", "ALI", "bob", "user carol", "carol", "dave", "erin", "dave|er", "zed")) {
            AuditFilter filter = AuditFilter.ALL.withAgent(who);
            long withMask = s.count(filter, 10_000);
            List<Long> pages = all(cache, filter, false, 7).stream().map(AuditSummary::pk).toList();
            // the same filter as SQL without the pre-check
            long plain;
            try (var c = cache.connection(); var ps = c.prepareStatement("SELECT COUNT(*) FROM audit_event e"
                    + new AuditSql(filter).where)) {
                new AuditSql(filter).bind(ps);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    plain = rs.getLong(1);
                }
            }
            assertThat(withMask).as(who).isEqualTo(plain);
            assertThat(pages).as(who).hasSize((int) plain).doesNotHaveDuplicates();
        }
        assertThat(s.count(AuditFilter.ALL.withAgent("erin"), 10)).isEqualTo(1);
        assertThat(s.count(AuditFilter.ALL.withAgent("dave|er"), 10)).isEqualTo(1);
        // events cached before the bits existed carry -1 and are still found, also when their terms were never
        // recorded (the filter's mask then holds only the old rows' bit)
        try (var c = cache.connection(); var st = c.createStatement()) {
            st.executeUpdate("UPDATE audit_event SET agent_bits = -1 WHERE MOD(pk, 3) = 0");
            st.executeUpdate("UPDATE audit_event SET agent_bits = -1 WHERE agent_keys LIKE '%|carol|%'");
            st.executeUpdate("DELETE FROM audit_agent_key WHERE k LIKE '%carol%'");
        }
        assertThat(s.count(AuditFilter.ALL.withAgent("alice"), 1000)).isEqualTo(125);
        assertThat(s.count(AuditFilter.ALL.withAgent("carol"), 1000)).isEqualTo(250);
        assertThat(s.count(AuditFilter.ALL.withAgent("user carol"), 1000)).isEqualTo(250);
    }

    /** A batch packed on the parsing thread: used when every item is written, repacked when some are not. */
    @Test
    void prePackedBatchesKeepEveryTextInItsSlot(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.function.IntFunction<AuditStore.Item> item = i -> {
            try {
                com.fasterxml.jackson.databind.node.ObjectNode t = (com.fasterxml.jackson.databind.node.ObjectNode)
                        m.readTree(event(i % 1000, "2024-03-0" + (1 + i / 1000) + "T00:00:00Z", "u" + i, "p" + i, "R",
                                "0", null));
                return new AuditStore.Item(IncomingResource.of(t, null, "line " + i), AuditExtractor.extract(t));
            } catch (IOException | InvalidResourceException e) {
                throw new IllegalStateException(e);
            }
        };
        try (Cache c = Cache.open(tmp.resolve("batch"))) {
            int origin = c.origins().idOf("batch-test");
            // all written: the pre-packed block is stored as it is
            UpsertCounts first = c.audit().upsert(origin, AuditStore.batch(origin, List.of(item.apply(1), item.apply(2))));
            assertThat(first.added()).isEqualTo(2);
            // one unchanged (e1), one changed (e2 at another time), one new, and e3 twice (the later one wins):
            // fewer written than given, so the texts are packed again for the ones written
            List<AuditStore.Item> mixed = List.of(item.apply(1), item.apply(1002), item.apply(3), item.apply(1003));
            UpsertCounts second = c.audit().upsert(origin, AuditStore.batch(origin, mixed));
            assertThat(second.unchanged()).isEqualTo(1);
            assertThat(c.audit().count(AuditFilter.ALL, 100)).isEqualTo(3);
            assertThat(c.audit().rawById("e1")).contains(mixed.get(0).resource().json());
            assertThat(c.audit().rawById("e2")).contains(mixed.get(1).resource().json());
            assertThat(c.audit().rawById("e3")).contains(mixed.get(3).resource().json());
        }
    }
}
