package org.custos.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.Cache;
import org.custos.cache.Keyset;
import org.custos.cache.Origins;
import org.custos.cache.ProvenanceStore;
import org.custos.cache.ProvenanceStore.Filter;
import org.custos.cache.ProvenanceStore.Row;
import org.custos.cache.ProvenanceStore.SignatureStatus;
import org.custos.fhir.Fhir;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

import static org.custos.bench.BenchSupport.fmt;
import static org.custos.bench.BenchSupport.log;

/**
 * The Provenance list (issue 12: first page at most 50 ms warm on 100,000 cached Provenance) on a fresh cache filled
 * through the real import path (NDJSON, {@link Importer}) with generated STU3 Provenance: 1-2 targets (Consent,
 * DocumentReference, Observation, some versioned), 1-3 agents (Practitioner, Patient, Organization, some on behalf of
 * an Organization), 0-3 entities (chains of DocumentReference revisions), an activity, a fifth signed, a few percent
 * contained in a Task, a fifth in a second (server) origin; half of the signed ones get a kept check. Then the first
 * page and the next page (keyset) of 200..219 rows per filter, and two counts (capped at 100,000). Each figure is the
 * median (and p95) of 21 warm calls whose parameters cycle (page size, the referenced resource, the month), so H2's
 * reuse of an identical statement's result does not apply; then the cache is closed as the app closes it (compacted
 * when worth it) and its size taken again. Writes provenance.json / provenance.txt; {@code bench.provenance} sets the
 * number (100,000), {@code -Dbench.keepProvenanceCache=true} keeps target/bench/provenance-cache (e.g. for EXPLAIN).
 */
public final class ProvenanceBench {
    /** Issue 12's target for the first page, warm, ms. */
    static final double TARGET_MS = 50;
    static final String SERVER = "https://hapi.example.org/fhir";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 21;
    private static final int PAGE = 200;
    private static final int PRACTITIONERS = 500;
    private static final int PATIENTS = 10_000;
    private static final int ORGANIZATIONS = 50;
    private static final String[] ROLES = {"derivation", "source", "revision", "quotation", "removal"};
    private static final String[][] AGENT_ROLES = {{"AUT", "author (originator)"}, {"ENT", "data entry person"},
        {"VRF", "verifier"}, {"LA", "legal authenticator"}, {"INF", "informant"}};
    private static final String[] VERDICTS = {"VALID", "VALID", "VALID", "VALID", "INVALID", "UNTRUSTED_SIGNER",
        "WHO_MISMATCH"};
    private static final Instant START = Instant.parse("2023-01-01T00:00:00Z");
    private static final int SPAN_SECONDS = 2 * 365 * 24 * 3600;

    private ProvenanceBench() {
    }

    public static void main(String[] args) {
        System.out.println(table(run(BenchSupport.intProp("bench.provenance", 100_000))));
    }

    static Map<String, Object> run(int n) {
        return run(new Fhir(), n);
    }

    static Map<String, Object> run(Fhir fhir, int n) {
        Path dir = BenchSupport.outDir().resolve("provenance-cache");
        BenchSupport.deleteTree(dir);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("environment", BenchSupport.environment());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("provenance", n);
        settings.put("pageSize", PAGE + ".." + (PAGE + 19) + " (cycled)");
        settings.put("calls", CALLS);
        settings.put("targetMs", TARGET_MS);
        result.put("settings", settings);

        // 1. the NDJSON files (not timed): four fifths for the origin "files", a fifth exported from a server
        Generated g;
        try {
            Files.createDirectories(dir);
            g = generate(n, dir.resolve("files.ndjson"), dir.resolve("server.ndjson"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log(fmt("provenance: %,d Provenance generated (%,d contained in a Task, %,d signed), %.1f MB of NDJSON", n,
                g.contained, g.signed, BenchSupport.mb(g.ndjsonBytes)));
        settings.put("generated", g.json());

        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            // 2. the fill, through the importer
            Importer importer = new Importer(cache, fhir);
            long t0 = System.nanoTime();
            ImportReport files = importer.importFile(dir.resolve("files.ndjson"), Importer.SILENT);
            ImportReport server = importer.importFile(dir.resolve("server.ndjson"), SERVER, Importer.SILENT);
            long t1 = System.nanoTime();
            if (files.quarantined() + server.quarantined() > 0) {
                throw new IllegalStateException("The importer quarantined some of the generated resources: "
                        + files.problems() + " " + server.problems());
            }
            long rows = cache.provenance().count(Filter.ALL, Long.MAX_VALUE);
            if (rows != n) {
                throw new IllegalStateException("The list has " + rows + " rows, not " + n);
            }
            long fileBytes = BenchSupport.size(cache.file());
            Map<String, Object> fill = new LinkedHashMap<>();
            fill.put("seconds", BenchSupport.round(BenchSupport.seconds(t1 - t0), 1));
            fill.put("provenancePerSecond", BenchSupport.round(n / BenchSupport.seconds(t1 - t0), 0));
            fill.put("stored", files.stored() + server.stored());
            fill.put("listRows", rows);
            fill.put("fileMB", BenchSupport.mb(fileBytes));
            fill.put("fileBytesPerProvenance", Math.round((double) fileBytes / n));
            fill.put("ndjsonBytesPerProvenance", Math.round((double) g.ndjsonBytes / n));
            result.put("fill", fill);
            log(fmt("provenance: imported in %.1f s (%,.0f/s), file %.1f MB", BenchSupport.seconds(t1 - t0),
                    n / BenchSupport.seconds(t1 - t0), BenchSupport.mb(fileBytes)));
            if (BenchSupport.boolProp("bench.fillOnly")) {
                return result;
            }

            // 3. a kept check for every second signed row (so NOT_CHECKED and the verdicts differ from SIGNED)
            ProvenanceStore store = cache.provenance();
            long t2 = System.nanoTime();
            Filter signed = status(SignatureStatus.SIGNED);
            List<long[]> keys = new ArrayList<>();
            Keyset after = null;
            List<Row> p;
            do {
                p = store.page(signed, after, 1000);
                for (Row r : p) {
                    keys.add(new long[]{r.pk(), r.part()});
                }
                after = p.isEmpty() ? null : p.get(p.size() - 1).keyset();
            } while (p.size() == 1000);
            int checks = 0;
            for (int i = 0; i < keys.size(); i += 2) {
                String verdict = VERDICTS[(i / 2) % VERDICTS.length];
                store.saveCheck(keys.get(i)[0], (int) keys.get(i)[1], verdict, verdict.equals("VALID") ? ""
                        : "bench: " + verdict.toLowerCase(java.util.Locale.ROOT), null);
                checks++;
            }
            long t3 = System.nanoTime();
            Map<String, Object> checked = new LinkedHashMap<>();
            checked.put("signedRows", keys.size());
            checked.put("checksKept", checks);
            checked.put("seconds", BenchSupport.round(BenchSupport.seconds(t3 - t2), 1));
            result.put("checks", checked);
            log(fmt("provenance: %,d checks kept in %.1f s", checks, BenchSupport.seconds(t3 - t2)));

            // 4. the list, warm
            result.put("pages", pages(store, g));
            result.put("counts", counts(store, g));
            long heap = BenchSupport.usedHeapAfterGc();
            result.put("heap", Map.of("usedAfterRunsGcMB", BenchSupport.mb(heap), "maxHeapMB",
                    BenchSupport.mb(Runtime.getRuntime().maxMemory())));

            // 5. closed as the app closes it: compacted when the file holds far more than its content
            long t4 = System.nanoTime();
            boolean compacted = cache.closeTidily();
            long closedBytes = BenchSupport.size(cache.file());
            fill.put("compactedOnClose", compacted);
            fill.put("closeSeconds", BenchSupport.round(BenchSupport.seconds(System.nanoTime() - t4), 1));
            fill.put("fileMBAfterClose", BenchSupport.mb(closedBytes));
            fill.put("fileBytesPerProvenanceAfterClose", Math.round((double) closedBytes / n));
        }
        log("provenance: wrote " + BenchSupport.writeResult("provenance", result, table(result)));
        if (!BenchSupport.boolProp("bench.keepProvenanceCache")) {
            BenchSupport.deleteTree(dir);
        } else {
            log("provenance: cache kept at " + dir.resolve("cache.mv.db"));
        }
        return result;
    }

    /** The filters the list offers, each with parameters that change with the call's number. */
    static Map<String, IntFunction<Filter>> filters(Generated g) {
        Map<String, IntFunction<Filter>> f = new LinkedHashMap<>();
        f.put("no filter", i -> Filter.ALL);
        f.put("target (a Consent)", i -> filter(g.consentTargets.get(i * 31 % g.consentTargets.size()), null, null,
                null, null, null, null, null));
        f.put("agent (a Practitioner)", i -> filter(null, practitioner(i), null, null, null, null, null, null));
        f.put("agent (an Organization)", i -> filter(null, "Organization/" + (i * 7 % ORGANIZATIONS), null, null,
                null, null, null, null));
        f.put("entity (a document)", i -> filter(null, null, null, g.entities.get(i * 31 % g.entities.size()), null,
                null, null, null));
        f.put("activity sign (~20%)", i -> filter(null, null, "sign", null, null, null, null, null));
        f.put("activity delete (~5%)", i -> filter(null, null, "delete", null, null, null, null, null));
        f.put("recorded (a month)", i -> filter(null, null, null, null, monthStart(i), monthEnd(i), null, null));
        f.put("origin files (4/5)", i -> filter(null, null, null, null, null, null, Origins.FILES, null));
        f.put("origin server (1/5)", i -> filter(null, null, null, null, null, null, SERVER, null));
        f.put("signed", i -> status(SignatureStatus.SIGNED));
        f.put("unsigned", i -> status(SignatureStatus.UNSIGNED));
        f.put("not checked", i -> status(SignatureStatus.NOT_CHECKED));
        f.put("verdict VALID", i -> status(SignatureStatus.VALID));
        f.put("agent + month", i -> filter(null, practitioner(i), null, null, monthStart(i * 5), monthEnd(i * 5),
                null, null));
        return f;
    }

    private static Filter filter(String target, String agent, String activity, String entity, Long from, Long to,
                                 String origin, SignatureStatus status) {
        return new Filter(target, agent, activity, entity, from, to, origin, status);
    }

    private static Filter status(SignatureStatus status) {
        return filter(null, null, null, null, null, null, null, status);
    }

    private static String practitioner(int i) {
        return "Practitioner/p" + (i * 37 % PRACTITIONERS);
    }

    /** The bounds (inclusive, ms) of one of the 24 months of the generated span. */
    private static long monthStart(int i) {
        return YearMonth.of(2023, 1).plusMonths(i % 24).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                .toEpochMilli();
    }

    private static long monthEnd(int i) {
        return YearMonth.of(2023, 1).plusMonths(i % 24 + 1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                .toEpochMilli() - 1;
    }

    private static Map<String, Object> pages(ProvenanceStore store, Generated g) {
        Map<String, Object> pages = new LinkedHashMap<>();
        try (BenchSupport.HeapSampler sampler = new BenchSupport.HeapSampler()) {
            for (Map.Entry<String, IntFunction<Filter>> e : filters(g).entrySet()) {
                IntFunction<Filter> f = e.getValue();
                warm(() -> {
                    List<Row> w = store.page(f.apply(0), null, PAGE);
                    return w.isEmpty() ? 0 : store.page(f.apply(0), w.get(w.size() - 1).keyset(), PAGE).size();
                });
                List<Double> first = new ArrayList<>();
                List<Double> next = new ArrayList<>();
                int rows = 0;
                for (int i = 0; i < CALLS; i++) {
                    Filter filter = f.apply(i + 1);
                    int limit = PAGE + i % 20;
                    long a = System.nanoTime();
                    List<Row> p1 = store.page(filter, null, limit);
                    long b = System.nanoTime();
                    first.add(BenchSupport.ms(b - a));
                    rows = p1.size();
                    if (p1.size() == limit) {
                        Keyset k = p1.get(p1.size() - 1).keyset();
                        long c = System.nanoTime();
                        store.page(filter, k, limit);
                        next.add(BenchSupport.ms(System.nanoTime() - c));
                    }
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("firstPage", BenchSupport.Stats.of(first));
                m.put("nextPage", next.isEmpty() ? null : BenchSupport.Stats.of(next));
                m.put("rows(last)", rows);
                // how many rows the last call's filter matches (not timed): tells a selective filter from a broad one
                m.put("matches(last)", store.count(f.apply(CALLS), Long.MAX_VALUE));
                m.put("withinTarget", BenchSupport.Stats.of(first).median() <= TARGET_MS);
                pages.put(e.getKey(), m);
                log(fmt("provenance: %-24s first %s, next %s", e.getKey(), stat(m.get("firstPage")),
                        stat(m.get("nextPage"))));
            }
            pages.put("maxHeapWhilePagingMB", BenchSupport.mb(sampler.max()));
        }
        return pages;
    }

    private static Map<String, Object> counts(ProvenanceStore store, Generated g) {
        Map<String, IntFunction<Filter>> all = filters(g);
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String name : List.of("no filter", "agent (a Practitioner)")) {
            IntFunction<Filter> f = all.get(name);
            warm(() -> (int) store.count(f.apply(0), 100_000));
            List<Double> times = new ArrayList<>();
            long n = 0;
            for (int i = 0; i < CALLS; i++) {
                // the cap cycles too (100,000 .. 100,020), so no call repeats the one before
                Filter filter = f.apply(i + 1);
                long a = System.nanoTime();
                n = store.count(filter, 100_000 + i % 21);
                times.add(BenchSupport.ms(System.nanoTime() - a));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", BenchSupport.Stats.of(times));
            m.put("count(last)", n);
            counts.put(name, m);
            log(fmt("provenance: count %-24s %s", name, stat(m.get("time"))));
        }
        return counts;
    }

    private static void warm(IntSupplier s) {
        for (int i = 0; i < 3; i++) {
            s.getAsInt();
        }
    }

    // ---- generated data ----

    /** What was written, and references that do occur (so the filters find something). */
    static final class Generated {
        final List<String> consentTargets = new ArrayList<>();
        final List<String> entities = new ArrayList<>();
        int contained;
        int signed;
        long ndjsonBytes;

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("containedInTask", contained);
            m.put("signed", signed);
            m.put("ndjsonMB", BenchSupport.mb(ndjsonBytes));
            m.put("serverOriginShare", "1/5");
            return m;
        }
    }

    static Generated generate(int n, Path filesNdjson, Path serverNdjson) throws IOException {
        Generated g = new Generated();
        Set<String> consentTargets = new LinkedHashSet<>();
        Set<String> entities = new LinkedHashSet<>();
        Random rnd = new Random(BenchSupport.SEED);
        int consents = Math.max(1, n / 5);
        int documents = Math.max(2, n * 3 / 10);
        int observations = Math.max(1, n / 2);
        try (BufferedWriter files = Files.newBufferedWriter(filesNdjson, StandardCharsets.UTF_8);
             BufferedWriter server = Files.newBufferedWriter(serverNdjson, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                ObjectNode p = provenance(i, rnd, consents, documents, observations, consentTargets, entities, g);
                ObjectNode res = p;
                if (rnd.nextInt(100) < 3) {
                    // a Task that carries its Provenance in contained (as the official Task/example1 does)
                    g.contained++;
                    p.put("id", "prov");
                    p.remove("meta");
                    ObjectNode task = JSON.createObjectNode();
                    task.put("resourceType", "Task").put("id", "t" + i);
                    task.putObject("meta").put("versionId", "1").put("lastUpdated", p.path("recorded").asText());
                    task.putArray("contained").add(p);
                    task.put("status", "completed").put("intent", "order");
                    task.putObject("focus").put("reference", p.path("target").get(0).path("reference").asText());
                    task.putArray("relevantHistory").addObject().put("reference", "#prov");
                    task.put("authoredOn", p.path("recorded").asText());
                    res = task;
                }
                String line = JSON.writeValueAsString(res);
                g.ndjsonBytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
                BufferedWriter w = i % 5 == 4 ? server : files;
                w.write(line);
                w.write('\n');
            }
        }
        g.consentTargets.addAll(consentTargets);
        g.entities.addAll(entities);
        return g;
    }

    private static ObjectNode provenance(int i, Random rnd, int consents, int documents, int observations,
                                         Set<String> consentTargets, Set<String> entities, Generated g) {
        ObjectNode p = JSON.createObjectNode();
        String recorded = START.plusSeconds(rnd.nextInt(SPAN_SECONDS)).plusMillis(rnd.nextInt(1000)).toString();
        p.put("resourceType", "Provenance").put("id", "pv" + i);
        p.putObject("meta").put("versionId", "1").put("lastUpdated", recorded);

        // targets: 1-2 of Consent (half), DocumentReference, Observation; a tenth versioned
        ArrayNode targets = p.putArray("target");
        int nTargets = rnd.nextInt(10) < 7 ? 1 : 2;
        int doc = -1;
        for (int t = 0; t < nTargets; t++) {
            int kind = rnd.nextInt(10);
            String ref;
            if (kind < 5) {
                ref = "Consent/c" + rnd.nextInt(consents);
                if (consentTargets.size() < 2000) {
                    consentTargets.add(ref);
                }
            } else if (kind < 8) {
                doc = 1 + rnd.nextInt(documents - 1);
                ref = "DocumentReference/d" + doc;
            } else {
                ref = "Observation/o" + rnd.nextInt(observations);
            }
            targets.addObject().put("reference", rnd.nextInt(10) == 0 ? ref + "/_history/2" : ref);
        }
        if (rnd.nextBoolean()) {
            ObjectNode period = p.putObject("period");
            period.put("start", Instant.parse(recorded).minusSeconds(60 + rnd.nextInt(3600)).toString());
            period.put("end", recorded);
        }
        p.put("recorded", recorded);

        // activity: create 35%, update 30%, sign 20%, verify 10%, delete 5%
        int a = rnd.nextInt(100);
        String[] act = a < 35 ? new String[]{"create", "create"} : a < 65 ? new String[]{"update", "revise"}
                : a < 85 ? new String[]{"sign", "sign"} : a < 95 ? new String[]{"verify", "verify"}
                : new String[]{"delete", "delete"};
        p.putObject("activity").put("system", "http://hl7.org/fhir/v3/DataOperation").put("code", act[0])
                .put("display", act[1]);

        // agents: 1-3, a Practitioner mostly, some on behalf of an Organization
        ArrayNode agents = p.putArray("agent");
        int nAgents = rnd.nextInt(10) < 6 ? 1 : rnd.nextInt(4) < 3 ? 2 : 3;
        String firstWho = null;
        for (int k = 0; k < nAgents; k++) {
            int kind = rnd.nextInt(10);
            String who = kind < 7 ? "Practitioner/p" + rnd.nextInt(PRACTITIONERS)
                    : kind < 9 ? "Patient/" + rnd.nextInt(PATIENTS) : "Organization/" + rnd.nextInt(ORGANIZATIONS);
            firstWho = firstWho == null ? who : firstWho;
            ObjectNode agent = agents.addObject();
            String[] role = AGENT_ROLES[rnd.nextInt(AGENT_ROLES.length)];
            agent.putArray("role").addObject().putArray("coding").addObject()
                    .put("system", "http://hl7.org/fhir/v3/ParticipationType").put("code", role[0])
                    .put("display", role[1]);
            agent.putObject("whoReference").put("reference", who);
            if (who.startsWith("Practitioner") && rnd.nextInt(10) < 3) {
                agent.putObject("onBehalfOfReference").put("reference", "Organization/" + rnd.nextInt(ORGANIZATIONS));
            }
        }

        // entities: 0-3, what the target was made from: the previous document of a chain, or another resource
        int e = rnd.nextInt(10);
        int nEntities = e < 4 ? 0 : e < 7 ? 1 : e < 9 ? 2 : 3;
        if (nEntities > 0) {
            ArrayNode ents = p.putArray("entity");
            for (int k = 0; k < nEntities; k++) {
                String what;
                String role = ROLES[rnd.nextInt(ROLES.length)];
                if (k == 0 && doc > 0) {
                    // d(k-1) -> d(k): the chains the graph follows
                    what = "DocumentReference/d" + (doc - 1);
                    role = rnd.nextBoolean() ? "revision" : "derivation";
                } else if (rnd.nextInt(10) < 7) {
                    what = "DocumentReference/d" + rnd.nextInt(documents);
                } else {
                    what = "Observation/o" + rnd.nextInt(observations);
                }
                if (what.startsWith("DocumentReference") && entities.size() < 2000) {
                    entities.add(what);
                }
                ents.addObject().put("role", role).putObject("whatReference").put("reference", what);
            }
        }

        // a fifth signed: a JWS-like blob (not a real one: the list only counts signatures)
        if (rnd.nextInt(5) == 0) {
            g.signed++;
            byte[] blob = new byte[180 + rnd.nextInt(200)];
            rnd.nextBytes(blob);
            ObjectNode sig = p.putArray("signature").addObject();
            sig.putArray("type").addObject().put("system", "urn:iso-astm:E1762-95:2013")
                    .put("code", "1.2.840.10065.1.12.1.1").put("display", "Author's Signature");
            sig.put("when", recorded);
            sig.putObject("whoReference").put("reference", firstWho);
            sig.put("contentType", "application/jose");
            sig.put("blob", Base64.getEncoder().encodeToString(blob));
        }
        return p;
    }

    // ---- the table ----

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> s = (Map<String, Object>) r.get("settings");
        Map<String, Object> fill = (Map<String, Object>) r.get("fill");
        b.append(fmt("%nProvenance list: %,d Provenance (median / p95 ms of %s warm calls, page %s; target: first "
                + "page <= %.0f ms)%n", s.get("provenance"), s.get("calls"), s.get("pageSize"), TARGET_MS));
        b.append(fmt("fill (importer, NDJSON): %s Provenance/s (%s s), file %s MB = %,d bytes/Provenance "
                        + "(NDJSON %,d bytes/Provenance)%n", fill.get("provenancePerSecond"), fill.get("seconds"),
                fill.get("fileMB"), ((Number) fill.get("fileBytesPerProvenance")).longValue(),
                ((Number) fill.get("ndjsonBytesPerProvenance")).longValue()));
        if (r.get("pages") == null) {
            return b.toString();
        }
        b.append(fmt("closed as the app closes it (%s, %s s): file %s MB = %,d bytes/Provenance%n",
                Boolean.TRUE.equals(fill.get("compactedOnClose")) ? "compacted" : "not compacted",
                fill.get("closeSeconds"), fill.get("fileMBAfterClose"),
                ((Number) fill.get("fileBytesPerProvenanceAfterClose")).longValue()));
        Map<String, Object> checks = (Map<String, Object>) r.get("checks");
        b.append(fmt("checks kept: %,d of %,d signed rows in %s s%n", ((Number) checks.get("checksKept")).longValue(),
                ((Number) checks.get("signedRows")).longValue(), checks.get("seconds")));
        b.append(fmt("%-26s %16s %16s %9s %6s%n", "filter", "first page", "next page", "matches", "target"));
        List<String> misses = new ArrayList<>();
        Map<String, Object> pages = (Map<String, Object>) r.get("pages");
        for (Map.Entry<String, Object> e : pages.entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                continue;
            }
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            boolean ok = Boolean.TRUE.equals(m.get("withinTarget"));
            if (!ok) {
                misses.add(e.getKey());
            }
            b.append(fmt("%-26s %16s %16s %,9d %6s%n", e.getKey(), stat(m.get("firstPage")), stat(m.get("nextPage")),
                    ((Number) m.get("matches(last)")).longValue(), ok ? "ok" : "MISS"));
        }
        b.append(fmt("%-26s %16s %9s%n", "count (cap 100,000)", "time", "count"));
        for (Map.Entry<String, Object> e : ((Map<String, Object>) r.get("counts")).entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            b.append(fmt("%-26s %16s %,9d%n", e.getKey(), stat(m.get("time")),
                    ((Number) m.get("count(last)")).longValue()));
        }
        Map<String, Object> heap = (Map<String, Object>) r.get("heap");
        b.append(fmt("heap: %s MB used after the runs (after GC), max %s MB observed while paging, -Xmx %s MB%n",
                heap.get("usedAfterRunsGcMB"), pages.get("maxHeapWhilePagingMB"), heap.get("maxHeapMB")));
        b.append(misses.isEmpty() ? fmt("every first page within %.0f ms (median)%n", TARGET_MS)
                : fmt("over %.0f ms (first page median): %s%n", TARGET_MS, String.join(", ", misses)));
        return b.toString();
    }

    private static String stat(Object o) {
        if (!(o instanceof BenchSupport.Stats st)) {
            return "-";
        }
        return fmt("%.2f / %.2f", st.median(), st.p95());
    }
}
