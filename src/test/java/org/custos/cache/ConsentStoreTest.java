package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.ConsentStore.ConsentFilter;
import org.custos.cache.ConsentStore.ConsentRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The Consent list's filters and keyset pages, and search rows that follow the current version. */
class ConsentStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> STATUSES = List.of("draft", "proposed", "active", "rejected", "inactive");
    static final List<String> CATEGORIES = List.of("59284-0", "57016-8", "64292-6", "npp");
    private Cache cache;
    private int files;

    @BeforeEach
    void open(@TempDir Path dir) {
        cache = Cache.open(dir.resolve("cache"));
        files = cache.origins().idOf("files");
    }

    @AfterEach
    void close() {
        cache.close();
    }

    /** A Consent's JSON: status, patient, categories, dateTime (null: none), meta version (null: none), words. */
    static String consent(String id, String version, String status, String patient, List<String> cats, String dateTime,
                          String words) {
        ObjectNode c = JSON.createObjectNode();
        c.put("resourceType", "Consent").put("id", id);
        if (version != null) {
            c.putObject("meta").put("versionId", version).put("lastUpdated", "2024-03-0" + version + "T10:00:00Z");
        }
        c.put("status", status);
        var categories = c.putArray("category");
        for (String code : cats) {
            categories.addObject().putArray("coding").addObject().put("system", "http://loinc.org").put("code", code)
                    .put("display", "Display of " + code);
        }
        c.putObject("patient").put("reference", patient);
        if (dateTime != null) {
            c.put("dateTime", dateTime);
        }
        c.putObject("period").put("start", "2020-01-01").put("end", "2025");
        c.putArray("organization").addObject().put("reference", "Organization/org1").put("display", words);
        c.put("policyRule", "http://example.org/policy/opt-in");
        return c.toString();
    }

    static IncomingResource incoming(String json) {
        try {
            return IncomingResource.of((ObjectNode) JSON.readTree(json), null, "test");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void store(int origin, String... jsons) {
        List<IncomingResource> rs = new ArrayList<>();
        for (String j : jsons) {
            rs.add(incoming(j));
        }
        cache.resources().upsert(origin, rs);
    }

    private List<ConsentRow> all(ConsentFilter f, int pageSize) {
        List<ConsentRow> out = new ArrayList<>();
        Keyset after = null;
        while (true) {
            List<ConsentRow> page = cache.consents().page(f, after, pageSize);
            out.addAll(page);
            if (page.size() < pageSize) {
                return out;
            }
            after = page.get(page.size() - 1).keyset();
        }
    }

    private void assertIntact() {
        Verifier.Result v = cache.verifier().run(null, () -> false, (d, t) -> { });
        assertThat(v.intact()).as("%s", v.problems()).isTrue();
    }

    private List<Verifier.Problem> problems() {
        return cache.verifier().run(null, () -> false, (d, t) -> { }).problems();
    }

    record Made(String id, String status, String patient, List<String> cats, long time, String words) {
    }

    @Test
    void keysetPagesCoverEveryMatchOnceInOrderWithTiesOnDateTime() {
        Random rnd = new Random(7);
        List<Made> made = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // twelve instants for 400 consents: many ties, broken by the key; some without dateTime (lastUpdated)
            int day = 1 + rnd.nextInt(12);
            String dt = i % 37 == 0 ? null : String.format("2023-05-%02dT08:30:00Z", day);
            String status = STATUSES.get(rnd.nextInt(STATUSES.size()));
            String patient = "Patient/p" + rnd.nextInt(15);
            List<String> cats = rnd.nextInt(5) == 0 ? List.of() : rnd.nextBoolean()
                    ? List.of(CATEGORIES.get(rnd.nextInt(4))) : List.of(CATEGORIES.get(rnd.nextInt(4)), "npp");
            String words = (i % 10 == 0 ? "Zebra Clinic " : "Plain Hospital ") + "ward" + (i % 3);
            String id = "c" + i;
            batch.add(consent(id, null, status, patient, cats, dt, words));
            made.add(new Made(id, status, patient, cats, dt == null ? 0 : SearchExtractor.time(dt, false), words));
            if (batch.size() == 50) {
                store(files, batch.toArray(String[]::new));
                batch.clear();
            }
        }
        check(ConsentFilter.ALL, m -> true, made);
        check(ConsentFilter.ALL.withStatuses(Set.of("active", "draft")),
                m -> m.status().equals("active") || m.status().equals("draft"), made);
        check(ConsentFilter.ALL.withPatient("Patient/p3"), m -> m.patient().equals("Patient/p3"), made);
        check(ConsentFilter.ALL.withPatient("http://server.example/fhir/Patient/p3/_history/2"),
                m -> m.patient().equals("Patient/p3"), made);
        check(ConsentFilter.ALL.withCategories(Set.of("57016-8")), m -> m.cats().contains("57016-8"), made);
        check(ConsentFilter.ALL.withCategories(Set.of("57016-8", "59284-0")),
                m -> m.cats().contains("57016-8") || m.cats().contains("59284-0"), made);
        check(ConsentFilter.ALL.withText("zebra"), m -> m.words().startsWith("Zebra"), made);
        check(ConsentFilter.ALL.withText("CLINIC ward1"), m -> m.words().startsWith("Zebra") && m.words()
                .endsWith("ward1"), made);
        check(new ConsentFilter("Patient/p5", Set.of("active", "inactive"), Set.of("npp"), "hospital"),
                m -> m.patient().equals("Patient/p5") && Set.of("active", "inactive").contains(m.status())
                        && m.cats().contains("npp") && m.words().startsWith("Plain"), made);
        check(ConsentFilter.ALL.withText("c17"), m -> m.id().startsWith("c17"), made);
        assertThat(cache.consents().page(ConsentFilter.ALL.withStatuses(Set.of("entered-in-error")), null, 10))
                .isEmpty();
        assertIntact();
    }

    private void check(ConsentFilter f, Predicate<Made> matches, List<Made> made) {
        Set<String> expected = new HashSet<>();
        for (Made m : made) {
            if (matches.test(m)) {
                expected.add(m.id());
            }
        }
        assertThat(expected).as("the filter %s matches something", f).isNotEmpty();
        for (int pageSize : new int[]{1, 7, 50, 1000}) {
            List<ConsentRow> rows = all(f, pageSize);
            assertThat(rows).extracting(ConsentRow::id).as("%s in pages of %d", f, pageSize).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
            for (int i = 1; i < rows.size(); i++) {
                ConsentRow a = rows.get(i - 1);
                ConsentRow b = rows.get(i);
                assertThat(a.sortTime() > b.sortTime() || a.sortTime() == b.sortTime() && a.pk() > b.pk())
                        .as("%s before %s", a, b).isTrue();
            }
        }
        assertThat(cache.consents().count(f)).isEqualTo(expected.size());
        assertThat(cache.consents().count(f, 5)).isEqualTo(Math.min(5, expected.size()));
        assertThat(cache.consents().count(f, Long.MAX_VALUE)).isEqualTo(expected.size());
        ConsentRow first = cache.consents().page(f, null, 1).get(0);
        Made m = made.stream().filter(x -> x.id().equals(first.id())).findFirst().orElseThrow();
        assertThat(first.status()).isEqualTo(m.status());
        assertThat(first.patient()).isEqualTo(m.patient());
        assertThat(first.categories()).extracting(ConsentStore.Category::code).containsExactlyElementsOf(m.cats());
        assertThat(first.categories()).allSatisfy(c -> assertThat(c.display()).isEqualTo("Display of " + c.code()));
        assertThat(first.periodStart()).isEqualTo(SearchExtractor.time("2020-01-01", false));
        assertThat(first.periodEnd()).isEqualTo(SearchExtractor.time("2026-01-01", false) - 1);
        assertThat(first.origin()).isEqualTo("files");
        assertThat(first.patientDisplay()).isNull();
        assertThat(cache.consents().raw(first.pk())).get().asString().contains("\"id\":\"" + first.id() + "\"");
    }

    @Test
    void theSearchRowFollowsTheCurrentVersion() {
        ConsentFilter draft = ConsentFilter.ALL.withStatuses(Set.of("draft"));
        ConsentFilter active = ConsentFilter.ALL.withStatuses(Set.of("active"));
        store(files, consent("c1", "1", "draft", "Patient/a", List.of("npp"), "2024-01-01", "first words"));
        assertThat(cache.consents().page(draft, null, 10)).extracting(ConsentRow::id).containsExactly("c1");
        assertThat(cache.consents().page(draft, null, 10).get(0).changed()).isFalse();
        // a new version changes the status: the filter finds the new status only
        store(files, consent("c1", "2", "active", "Patient/b", List.of("npp"), "2024-02-01", "second words"));
        assertThat(cache.consents().page(draft, null, 10)).isEmpty();
        List<ConsentRow> rows = cache.consents().page(active, null, 10);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).versionId()).isEqualTo("2");
        assertThat(rows.get(0).changed()).isTrue();
        assertThat(rows.get(0).patient()).isEqualTo("Patient/b");
        assertThat(cache.consents().page(ConsentFilter.ALL.withText("first"), null, 10)).isEmpty();
        assertThat(cache.consents().page(ConsentFilter.ALL.withPatient("Patient/a"), null, 10)).isEmpty();
        assertThat(cache.consents().count(ConsentFilter.ALL)).isEqualTo(1);
        assertIntact();
        // an older version arriving late is kept, not shown
        store(files, consent("c1", "0", "rejected", "Patient/c", List.of(), "2023-01-01", "older words"));
        assertThat(cache.consents().page(ConsentFilter.ALL, null, 10)).extracting(ConsentRow::status)
                .containsExactly("active");
        assertIntact();
        // without version ids, an earlier text that is the origin's word again is the current one once more
        store(files, consent("c2", null, "proposed", "Patient/a", List.of(), null, "x"));
        store(files, consent("c2", null, "rejected", "Patient/a", List.of(), null, "x"));
        store(files, consent("c2", null, "proposed", "Patient/a", List.of(), null, "x"));
        assertThat(cache.consents().page(ConsentFilter.ALL.withPatient("Patient/a"), null, 10))
                .extracting(ConsentRow::status).containsExactly("proposed");
        assertIntact();
        // the server deletes c1: its row goes with its versions
        cache.inTransaction("delete", c -> ResourceStore.removeDeleted(c, files, "Consent", "c1", null,
                4_000_000_000_000L));
        assertThat(cache.consents().page(active, null, 10)).isEmpty();
        assertThat(cache.consents().count(ConsentFilter.ALL)).isEqualTo(1);
        assertIntact();
    }

    @Test
    void aPurgeTakesTheOriginsRowsAlong() {
        int other = cache.origins().idOf("other");
        store(files, consent("c1", "1", "active", "Patient/a", List.of(), "2024-01-01", "x"));
        store(other, consent("c1", "1", "active", "Patient/a", List.of(), "2024-01-01", "x"),
                consent("c2", "1", "active", "Patient/a", List.of(), "2024-01-01", "x"));
        assertThat(cache.consents().count(ConsentFilter.ALL)).isEqualTo(3);
        cache.originData().purge("other", () -> false, n -> { });
        assertThat(cache.consents().page(ConsentFilter.ALL, null, 10)).extracting(ConsentRow::origin)
                .containsExactly("files");
        assertIntact();
    }

    private void sql(String s) throws SQLException {
        try (Connection c = cache.connection(); Statement st = c.createStatement()) {
            st.execute(s);
        }
    }

    @Test
    void verifyFindsSearchRowsChangedRemovedOrAddedOutsideCustos() throws SQLException {
        store(files, consent("c1", "1", "active", "Patient/a", List.of("npp"), "2024-01-01", "x"),
                consent("c2", "1", "active", "Patient/b", List.of("npp"), "2024-01-02", "x"));
        cache.resources().upsert(files, List.of(incoming("{\"resourceType\":\"Patient\",\"id\":\"a\",\"name\":"
                + "[{\"text\":\"Ann Example\"}]}")));
        assertIntact();
        // hiding a consent from the "active" list
        sql("UPDATE resource_search SET status = 'inactive' WHERE res_id = 'c1'");
        assertThat(problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Verifier.Kind.INDEX);
            assertThat(p.what()).isEqualTo("Consent/c1");
            assertThat(p.detail()).contains("status");
        });
        sql("UPDATE resource_search SET status = 'active' WHERE res_id = 'c1'");
        assertIntact();
        sql("DELETE FROM resource_search WHERE res_id = 'c2'");
        assertThat(problems()).singleElement().satisfies(p -> assertThat(p.detail()).contains("missing"));
        sql("INSERT INTO resource_search (pk, origin_id, res_type, res_id, sort_time, search_text) VALUES "
                + "(999999, " + files + ", 'Consent', 'ghost', 0, ' ')");
        assertThat(problems()).extracting(Verifier.Problem::what).contains("Consent/ghost", "Consent/c2");
        sql("DELETE FROM resource_search WHERE pk = 999999");
        // a person renamed, and a word added: the directory would find someone it should not
        sql("INSERT INTO resource_word (k, pk) SELECT 'mallory', pk FROM resource_search WHERE res_id = 'a'");
        assertThat(problems()).extracting(Verifier.Problem::what).contains("the people directory's words");
        sql("DELETE FROM resource_word WHERE k = 'mallory'");
        sql("UPDATE resource_search SET display = 'Mallory' WHERE res_id = 'a'");
        assertThat(problems()).extracting(Verifier.Problem::what).contains("Patient/a");
    }
}
