package org.custos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.Cancellation;
import org.custos.fhir.RetryPolicy;
import org.custos.fhir.ServerProfile;
import org.custos.sync.SyncEngine;
import org.custos.sync.SyncListener;
import org.custos.sync.SyncReport;
import org.custos.testserver.LocalFhirServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.custos.bench.BenchSupport.fmt;
import static org.custos.bench.BenchSupport.log;
import static org.custos.bench.BenchSupport.round;

/**
 * Sync benchmark (not a test): N demo AuditEvents on the local HAPI JPA server (in-process, loopback), synced into a
 * fresh cache, against a plain client that only downloads the same pages (same page size, next links) in the same
 * run; then typical filters on the cache against the same searches on the server. Writes target/bench/sync.json.
 *
 * <p>Run: {@code mvn -Pbench -DskipTests verify -Dbench.ingest=0 -Dbench.browse=0 -Dbench.sync=100000}.
 */
public final class SyncBench {
    static final int PAGE = 1000;
    static final int FILTER_RUNS = 15;
    static final double TARGET_LOCAL_RATIO = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SyncBench() {
    }

    static Map<String, Object> run(int events) {
        Map<String, Object> env = BenchSupport.environment();
        Path out = BenchSupport.outDir();
        log("sync: starting the local HAPI FHIR server");
        try (LocalFhirServer server = LocalFhirServer.start(0)) {
            server.setMaxPageSize(PAGE);
            log("sync: loading " + events + " demo AuditEvents into the server (about 1 s per 500)");
            DemoGenerator gen = new DemoGenerator(server.context(), BenchSupport.SEED, BenchSupport.END,
                    BenchSupport.DAYS);
            LocalFhirServer.SeedResult seeded = server.seed(gen, events);
            log(fmt("sync: loaded in %.1f s", seeded.total().toMillis() / 1000.0));
            String search = server.baseUrl() + "/AuditEvent?_sort=_lastUpdated&_total=accurate&_count=" + PAGE;

            log("sync: plain paging client, warm-up and timed pass");
            plainPaging(search + "&_lastUpdated=lt2100-01-01T00:00:00Z");
            double[] plainBefore = plainPaging(search + "&_lastUpdated=lt2100-01-01T00:00:01Z");

            log("sync: Custos sync into a fresh cache");
            Path dir = out.resolve("tmp").resolve("sync-" + System.nanoTime());
            Map<String, Object> custos = new LinkedHashMap<>();
            Map<String, Object> filters = new LinkedHashMap<>();
            try (Cache cache = Cache.open(dir.resolve("custos"))) {
                ServerProfile p = ServerProfile.of("bench", server.baseUrl())
                        .withPaging(PAGE, java.util.Set.of("AuditEvent"), 0);
                long t0 = System.nanoTime();
                SyncReport r = new SyncEngine(cache).sync(p, SyncEngine.Options.DEFAULT, SyncListener.NONE,
                        new Cancellation());
                long ns = System.nanoTime() - t0;
                SyncReport.TypeResult ae = r.byType().get("AuditEvent");
                if (!r.completed() || ae.added != events) {
                    throw new IllegalStateException("sync stored " + ae.added + " of " + events + ": " + ae.message);
                }
                custos.put("seconds", round(BenchSupport.seconds(ns), 2));
                custos.put("eventsPerSecond", round(events / BenchSupport.seconds(ns), 0));
                custos.put("pages", ae.pages);

                log("sync: the second sync (nothing new)");
                long s0 = System.nanoTime();
                SyncReport again = new SyncEngine(cache).sync(p, SyncEngine.Options.DEFAULT, SyncListener.NONE,
                        new Cancellation());
                custos.put("secondSyncSeconds", round(BenchSupport.seconds(System.nanoTime() - s0), 2));
                custos.put("secondSyncTransferred", again.transferred());

                log("sync: local filters against the same searches on the server");
                filters = compareFilters(server, cache);
            }
            BenchSupport.deleteTree(dir);
            double[] plainAfter = plainPaging(search + "&_lastUpdated=lt2100-01-01T00:00:02Z");
            double plainRate = (plainBefore[0] + plainAfter[0]) / 2;

            Map<String, Object> plain = new LinkedHashMap<>();
            plain.put("eventsPerSecondBefore", round(plainBefore[0], 0));
            plain.put("eventsPerSecondAfter", round(plainAfter[0], 0));
            plain.put("megabytes", round(plainBefore[1] / 1e6, 1));
            double ratio = ((Number) custos.get("eventsPerSecond")).doubleValue() / plainRate;

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("environment", env);
            result.put("events", events);
            result.put("pageSize", PAGE);
            result.put("serverLoadSeconds", round(seeded.total().toMillis() / 1000.0, 1));
            result.put("custosSync", custos);
            result.put("plainPagingClient", plain);
            result.put("ratioSyncToPlainPaging", round(ratio, 3));
            result.put("filters", filters);
            BenchSupport.writeResult("sync", result, table(result));
            return result;
        }
    }

    /**
     * Downloads every page of a search (next links), gzip-compressed as Custos asks for them (HAPI answers
     * uncompressed JSON many times slower on this machine), and parses nothing but the links; returns events/s
     * and the uncompressed bytes.
     */
    private static double[] plainPaging(String first) {
        try {
            long t0 = System.nanoTime();
            long bytes = 0;
            long entries = 0;
            String next = first;
            while (next != null) {
                HttpResponse<byte[]> resp = HTTP.send(HttpRequest.newBuilder(URI.create(next))
                        .header("Accept", "application/fhir+json").header("Accept-Encoding", "gzip").build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                byte[] body = resp.body();
                if (resp.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
                    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                        body = in.readAllBytes();
                    }
                }
                bytes += body.length;
                // the next link must be found: a streaming scan for it, no tree of the entries
                JsonNode links = linksOnly(body);
                next = null;
                for (JsonNode l : links) {
                    if ("next".equals(l.path("relation").asText())) {
                        next = l.path("url").asText();
                    }
                }
                entries += countEntries(body);
            }
            double secs = BenchSupport.seconds(System.nanoTime() - t0);
            return new double[]{entries / secs, bytes};
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode linksOnly(byte[] body) throws java.io.IOException {
        try (var p = JSON.getFactory().createParser(body)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME && "link".equals(p.getCurrentName())
                        && p.getParsingContext().getParent() != null && p.getParsingContext().getParent().inRoot()) {
                    p.nextToken();
                    return JSON.readTree(p);
                }
            }
        }
        return JSON.createArrayNode();
    }

    private static long countEntries(byte[] body) {
        String s = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        long n = 0;
        for (int i = s.indexOf("\"fullUrl\""); i >= 0; i = s.indexOf("\"fullUrl\"", i + 1)) {
            n++;
        }
        return n;
    }

    private record Filter(String name, AuditFilter local, String server) {
    }

    private static Map<String, Object> compareFilters(LocalFhirServer server, Cache cache) {
        // pick real values from cached events so that every filter matches something on both sides
        String agent = null;
        String patient = null;
        for (var e : cache.audit().page(AuditFilter.ALL, null, false, 500)) {
            try {
                JsonNode n = JSON.readTree(cache.audit().raw(e.pk()).orElse("{}"));
                for (JsonNode a : n.path("agent")) {
                    String ref = a.path("reference").path("reference").asText("");
                    if (agent == null && ref.startsWith("Practitioner/")) {
                        agent = ref;
                    }
                }
                for (JsonNode en : n.path("entity")) {
                    String ref = en.path("reference").path("reference").asText("");
                    if (patient == null && ref.startsWith("Patient/")) {
                        patient = ref.substring("Patient/".length());
                    }
                }
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }
        List<Filter> list = new ArrayList<>();
        list.add(new Filter("agent " + agent, AuditFilter.ALL.withAgent(agent), "agent=" + agent));
        list.add(new Filter("patient " + patient, AuditFilter.ALL.withPatient(patient), "patient=Patient/" + patient));
        list.add(new Filter("action E", AuditFilter.ALL.withAction("E"), "action=E"));
        list.add(new Filter("outcome 4", AuditFilter.ALL.withOutcome("4"), "outcome=4"));
        list.add(new Filter("type rest", AuditFilter.ALL.withType("rest"), "type=rest"));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Filter f : list) {
            List<Double> local = new ArrayList<>();
            List<Double> remote = new ArrayList<>();
            for (int i = 0; i < FILTER_RUNS; i++) {
                long t0 = System.nanoTime();
                int n = cache.audit().page(f.local(), null, false, 100).size();
                local.add(BenchSupport.ms(System.nanoTime() - t0));
                long r0 = System.nanoTime();
                int m = serverPage(server.baseUrl() + "/AuditEvent?" + f.server() + "&_sort=-date&_count=100");
                remote.add(BenchSupport.ms(System.nanoTime() - r0));
                if (i == 0) {
                    log(fmt("sync: filter %-28s local %d rows, server %d", f.name(), n, m));
                }
            }
            // the first run of each is cold; the median of the rest is compared
            BenchSupport.Stats l = BenchSupport.Stats.of(local.subList(1, local.size()));
            BenchSupport.Stats r = BenchSupport.Stats.of(remote.subList(1, remote.size()));
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("localMedianMs", round(l.median(), 2));
            one.put("serverMedianMs", round(r.median(), 2));
            one.put("ratioServerToLocal", round(r.median() / Math.max(0.001, l.median()), 1));
            out.put(f.name(), one);
        }
        return out;
    }

    private static int serverPage(String url) {
        try {
            HttpResponse<byte[]> resp = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofByteArray());
            return JSON.readTree(resp.body()).path("entry").size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String table(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) r.get("custosSync");
        @SuppressWarnings("unchecked") Map<String, Object> p = (Map<String, Object>) r.get("plainPagingClient");
        b.append(fmt("%nSYNC  %,d AuditEvents from the local HAPI JPA server, pages of %d%n", r.get("events"),
                r.get("pageSize")));
        b.append(fmt("  Custos sync (fresh cache)          %,10.0f events/s  (%s s, %s pages)%n",
                ((Number) c.get("eventsPerSecond")).doubleValue(), c.get("seconds"), c.get("pages")));
        b.append(fmt("  plain paging client, before/after  %,10.0f / %,.0f events/s (%s MB)%n",
                ((Number) p.get("eventsPerSecondBefore")).doubleValue(),
                ((Number) p.get("eventsPerSecondAfter")).doubleValue(), p.get("megabytes")));
        b.append(fmt("  ratio sync / plain paging              %s%n", r.get("ratioSyncToPlainPaging")));
        b.append(fmt("  second sync: %s s, %s transferred%n", c.get("secondSyncSeconds"), c.get("secondSyncTransferred")));
        b.append("  first page of 100, newest first: local cache vs the same search on the server (warm medians)\n");
        @SuppressWarnings("unchecked") Map<String, Map<String, Object>> f = (Map<String, Map<String, Object>>) r.get("filters");
        f.forEach((name, v) -> b.append(fmt("    %-30s local %8.2f ms   server %8.2f ms   x%s %s%n", name,
                ((Number) v.get("localMedianMs")).doubleValue(), ((Number) v.get("serverMedianMs")).doubleValue(),
                v.get("ratioServerToLocal"), BenchSupport.pass(((Number) v.get("ratioServerToLocal")).doubleValue()
                        >= TARGET_LOCAL_RATIO))));
        return b.toString();
    }
}
