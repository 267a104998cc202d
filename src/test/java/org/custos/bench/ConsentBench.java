package org.custos.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.Cache;
import org.custos.cache.ConsentStore;
import org.custos.cache.ConsentStore.ConsentFilter;
import org.custos.cache.ConsentStore.ConsentRow;
import org.custos.cache.IncomingResource;
import org.custos.cache.Keyset;
import org.custos.people.PeopleDirectory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

import static org.custos.bench.BenchSupport.fmt;
import static org.custos.bench.BenchSupport.log;

/**
 * The Consent list and the people directory on a cache of generated resources (default 100,000 Consents and 100,000
 * people): fill rate, then first page and next page (keyset) of 50 per filter, counts, and directory searches.
 * Each figure is the median (and p95) of 21 calls whose parameters cycle (page size 50..69, different patients and
 * words), so H2's reuse of an identical statement's result does not apply. Writes consents.json / consents.txt.
 */
public final class ConsentBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String[] GIVEN = {"Anna", "Bram", "Carla", "Daan", "Eva", "Finn", "Greta", "Hugo", "Iris", "Jan",
        "Kees", "Lotte", "Maarten", "Noor", "Olaf", "Pieter", "Quinten", "Rosa", "Sanne", "Thijs", "Ute", "Vera",
        "Willem", "Xander", "Yara", "Zoe", "James", "Mary", "John", "Linda"};
    static final String[] FAMILY = {"Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
        "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
        "de Wit", "Dijkstra", "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
        "Lewis", "Robinson", "Walker"};
    static final String[] STATUS = {"active", "active", "active", "inactive", "inactive", "rejected", "proposed",
        "draft"};
    static final String[] CATEGORY = {"59284-0", "57016-8", "57017-6", "64292-6", "npp", "hipaa-auth"};
    static final String[] ORG_WORDS = {"Hospital", "Clinic", "Medical Center", "Care", "Health", "Practice"};

    private ConsentBench() {
    }

    public static void main(String[] args) {
        System.out.println(table(run(BenchSupport.intProp("bench.consents", 100_000),
                BenchSupport.intProp("bench.people", 100_000))));
    }

    static Map<String, Object> run(int consents, int people) {
        Path dir = BenchSupport.outDir().resolve("consent-cache");
        BenchSupport.deleteTree(dir);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("environment", BenchSupport.environment());
        result.put("settings", Map.of("consents", consents, "people", people, "pageSize", "50..69 (cycled)",
                "calls", 21));
        int patients = Math.max(1, people * 7 / 10);
        Random rnd = new Random(BenchSupport.SEED);
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            int origin = cache.origins().idOf("files");
            long t0 = System.nanoTime();
            List<IncomingResource> batch = new ArrayList<>();
            for (int i = 0; i < people; i++) {
                batch.add(person(i, patients, rnd));
                if (batch.size() == 1000) {
                    cache.resources().upsert(origin, batch);
                    batch.clear();
                }
            }
            cache.resources().upsert(origin, batch);
            batch.clear();
            long t1 = System.nanoTime();
            log(fmt("consents: %,d people stored in %.1f s", people, BenchSupport.seconds(t1 - t0)));
            long start = Instant.parse("2015-01-01T00:00:00Z").toEpochMilli();
            for (int i = 0; i < consents; i++) {
                batch.add(consent(i, patients, start, rnd));
                if (batch.size() == 1000) {
                    cache.resources().upsert(origin, batch);
                    batch.clear();
                }
            }
            cache.resources().upsert(origin, batch);
            long t2 = System.nanoTime();
            log(fmt("consents: %,d consents stored in %.1f s", consents, BenchSupport.seconds(t2 - t1)));
            Map<String, Object> fill = new LinkedHashMap<>();
            fill.put("peoplePerSecond", BenchSupport.round(people / BenchSupport.seconds(t1 - t0), 0));
            fill.put("consentsPerSecond", BenchSupport.round(consents / BenchSupport.seconds(t2 - t1), 0));
            fill.put("fileMB", BenchSupport.round(BenchSupport.mb(BenchSupport.size(cache.file())), 1));
            result.put("fill", fill);

            if (BenchSupport.boolProp("bench.fillOnly")) {
                return result;
            }
            ConsentStore store = cache.consents();
            Map<String, IntFunction<ConsentFilter>> filters = new LinkedHashMap<>();
            filters.put("no filter", i -> ConsentFilter.ALL);
            filters.put("status active", i -> ConsentFilter.ALL.withStatuses(Set.of("active")));
            filters.put("status draft (1/8)", i -> ConsentFilter.ALL.withStatuses(Set.of("draft")));
            filters.put("category npp (1/6)", i -> ConsentFilter.ALL.withCategories(Set.of("npp")));
            filters.put("patient", i -> ConsentFilter.ALL.withPatient("Patient/p" + (i * 7919 % patients)));
            filters.put("text common ('hospital')", i -> ConsentFilter.ALL.withText("hospital"));
            filters.put("text rare (an org id)", i -> ConsentFilter.ALL.withText("org" + (i * 31 % 5000) + "x"));
            filters.put("patient + status", i -> ConsentFilter.ALL.withPatient("Patient/p" + (i * 7919 % patients))
                    .withStatuses(Set.of("active", "inactive")));
            Map<String, Object> pages = new LinkedHashMap<>();
            for (Map.Entry<String, IntFunction<ConsentFilter>> e : filters.entrySet()) {
                IntFunction<ConsentFilter> f = e.getValue();
                warm(() -> store.page(f.apply(0), null, 50).size());
                List<Double> first = new ArrayList<>();
                List<Double> next = new ArrayList<>();
                List<Double> count = new ArrayList<>();
                long rows = 0;
                for (int i = 0; i < 21; i++) {
                    ConsentFilter filter = f.apply(i + 1);
                    int limit = 50 + i % 20;
                    long a = System.nanoTime();
                    List<ConsentRow> p1 = store.page(filter, null, limit);
                    long b = System.nanoTime();
                    first.add(BenchSupport.ms(b - a));
                    if (p1.size() == limit) {
                        Keyset k = p1.get(p1.size() - 1).keyset();
                        long c = System.nanoTime();
                        store.page(filter, k, limit);
                        next.add(BenchSupport.ms(System.nanoTime() - c));
                    }
                    long d = System.nanoTime();
                    rows = store.count(filter);
                    count.add(BenchSupport.ms(System.nanoTime() - d));
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("firstPage", BenchSupport.Stats.of(first));
                m.put("nextPage", next.isEmpty() ? null : BenchSupport.Stats.of(next));
                m.put("count", BenchSupport.Stats.of(count));
                m.put("matches(last)", rows);
                pages.put(e.getKey(), m);
                log("consents: " + e.getKey() + " done");
            }
            result.put("consentPages", pages);

            PeopleDirectory dirx = new PeopleDirectory(cache);
            Map<String, IntFunction<Integer>> searches = new LinkedHashMap<>();
            searches.put("one name prefix (3 letters)", i -> dirx.search(FAMILY[i % FAMILY.length].substring(0, 3)
                    .toLowerCase(), 20 + i % 20).size());
            searches.put("given + family prefixes", i -> dirx.search(GIVEN[i % GIVEN.length].substring(0, 2) + " "
                    + FAMILY[(i * 7) % FAMILY.length].substring(0, 4), 20 + i % 20).size());
            searches.put("identifier value (exact)", i -> dirx.search(String.valueOf(100_000_000L + i * 997L
                    % patients), 20 + i % 20).size());
            searches.put("reference Patient/id", i -> dirx.search("Patient/p" + (i * 13 % patients), 20).size());
            searches.put("no match", i -> dirx.search("qqq" + i, 20).size());
            searches.put("nameOf 50 references", i -> {
                List<String> refs = new ArrayList<>();
                for (int j = 0; j < 50; j++) {
                    refs.add("Patient/p" + ((i * 50 + j) * 131 % patients));
                }
                return dirx.nameOf("files", refs).size();
            });
            Map<String, Object> dirResults = new LinkedHashMap<>();
            for (Map.Entry<String, IntFunction<Integer>> e : searches.entrySet()) {
                warm(() -> e.getValue().apply(0));
                List<Double> times = new ArrayList<>();
                int found = 0;
                for (int i = 0; i < 21; i++) {
                    long a = System.nanoTime();
                    found = e.getValue().apply(i + 1);
                    times.add(BenchSupport.ms(System.nanoTime() - a));
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("time", BenchSupport.Stats.of(times));
                m.put("found(last)", found);
                dirResults.put(e.getKey(), m);
            }
            result.put("people", dirResults);
        }
        log("consents: wrote " + BenchSupport.writeResult("consents", result, table(result)));
        if (!BenchSupport.boolProp("bench.keepConsentCache")) {
            BenchSupport.deleteTree(dir);
        }
        return result;
    }

    private static void warm(IntSupplier s) {
        for (int i = 0; i < 3; i++) {
            s.getAsInt();
        }
    }

    private static IncomingResource person(int i, int patients, Random rnd) {
        ObjectNode p = JSON.createObjectNode();
        String type;
        String id;
        if (i < patients) {
            type = "Patient";
            id = "p" + i;
        } else if (i < patients + Math.max(1, patients * 2 / 7)) {
            // 70% Patients, 20% Practitioners, 5% Organizations, 5% RelatedPersons
            type = "Practitioner";
            id = "d" + i;
        } else if (i % 2 == 0) {
            type = "Organization";
            id = "o" + i;
        } else {
            type = "RelatedPerson";
            id = "r" + i;
        }
        p.put("resourceType", type).put("id", id);
        p.putObject("meta").put("versionId", "1").put("lastUpdated", "2024-01-01T00:00:00Z");
        p.putArray("identifier").addObject().put("system", "urn:oid:2.16.840.1.113883.2.4.6.3")
                .put("value", String.valueOf(100_000_000L + i));
        if (type.equals("Organization")) {
            p.put("name", FAMILY[rnd.nextInt(FAMILY.length)] + " " + ORG_WORDS[rnd.nextInt(ORG_WORDS.length)]);
        } else {
            ObjectNode n = p.putArray("name").addObject();
            n.put("family", FAMILY[rnd.nextInt(FAMILY.length)]);
            ArrayNode g = n.putArray("given");
            g.add(GIVEN[rnd.nextInt(GIVEN.length)]);
            if (rnd.nextBoolean()) {
                g.add(GIVEN[rnd.nextInt(GIVEN.length)]);
            }
            if (type.equals("RelatedPerson")) {
                p.putObject("patient").put("reference", "Patient/p" + rnd.nextInt(patients));
            }
        }
        return IncomingResource.of(p, null, "bench");
    }

    private static IncomingResource consent(int i, int patients, long start, Random rnd) {
        ObjectNode c = JSON.createObjectNode();
        c.put("resourceType", "Consent").put("id", "c" + i);
        c.putObject("meta").put("versionId", "1").put("lastUpdated", "2024-01-01T00:00:00Z");
        c.put("status", STATUS[rnd.nextInt(STATUS.length)]);
        ArrayNode cats = c.putArray("category");
        cats.addObject().putArray("coding").addObject().put("system", "http://loinc.org")
                .put("code", CATEGORY[rnd.nextInt(CATEGORY.length)]).put("display", "Consent category");
        c.putObject("patient").put("reference", "Patient/p" + rnd.nextInt(patients));
        // ten years of consents, to the second (some share an instant)
        c.put("dateTime", Instant.ofEpochMilli(start + (long) rnd.nextInt(315_360_000) * 1000).toString());
        ObjectNode period = c.putObject("period");
        period.put("start", "2020-01-01");
        int org = rnd.nextInt(5000);
        c.putArray("organization").addObject().put("reference", "Organization/org" + org + "x")
                .put("display", FAMILY[org % FAMILY.length] + " " + ORG_WORDS[org % ORG_WORDS.length]);
        c.putArray("actor").addObject().putObject("reference").put("reference", "Practitioner/d" + rnd.nextInt(1000));
        c.put("policyRule", "http://hl7.org/fhir/ConsentPolicy/opt-in");
        return IncomingResource.of(c, null, "bench");
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> s = (Map<String, Object>) r.get("settings");
        Map<String, Object> fill = (Map<String, Object>) r.get("fill");
        b.append(fmt("%nConsent list and people directory: %,d Consents, %,d people (median / p95 ms of 21 calls)%n",
                s.get("consents"), s.get("people")));
        b.append(fmt("fill: %s people/s, %s consents/s, file %s MB%n", fill.get("peoplePerSecond"),
                fill.get("consentsPerSecond"), fill.get("fileMB")));
        b.append(fmt("%-28s %16s %16s %16s %10s%n", "consents filter", "first page", "next page", "count",
                "matches"));
        for (Map.Entry<String, Object> e : ((Map<String, Object>) r.get("consentPages")).entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            b.append(fmt("%-28s %16s %16s %16s %,10d%n", e.getKey(), stat(m.get("firstPage")), stat(m.get("nextPage")),
                    stat(m.get("count")), ((Number) m.get("matches(last)")).longValue()));
        }
        b.append(fmt("%-28s %16s %10s%n", "people directory", "time", "found"));
        for (Map.Entry<String, Object> e : ((Map<String, Object>) r.get("people")).entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            b.append(fmt("%-28s %16s %,10d%n", e.getKey(), stat(m.get("time")), ((Number) m.get("found(last)"))
                    .longValue()));
        }
        return b.toString();
    }

    private static String stat(Object o) {
        if (!(o instanceof BenchSupport.Stats st)) {
            return "-";
        }
        return fmt("%.2f / %.2f", st.median(), st.p95());
    }
}
