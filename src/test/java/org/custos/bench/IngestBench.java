package org.custos.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.custos.bench.BenchSupport.GcTotals;
import org.custos.cache.Cache;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.Fhir;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.hl7.fhir.dstu3.model.Bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.AuditExtractor;
import org.custos.cache.AuditStore;
import org.custos.cache.AuditEventRow;
import org.custos.cache.IncomingResource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.custos.bench.BenchSupport.fmt;
import static org.custos.bench.BenchSupport.log;
import static org.custos.bench.BenchSupport.round;

/**
 * Ingest benchmark (not a test): N generated AuditEvents in collection Bundles of 1,000, imported end to end into a
 * fresh cache, against HAPI's parse-only of the same Bundles in the same JVM. The Bundles are generated into memory
 * before anything is timed. Writes {@code target/bench/ingest.json}.
 *
 * <p>Run: {@code mvn -Pbench -DskipTests verify} (both benchmarks) or this main class with the test classpath;
 * {@code -Dbench.ingest=100000} sets N.
 */
public final class IngestBench {
    static final int BUNDLE = 1000;
    static final double TARGET_EVENTS_PER_S = 10_000;
    static final double TARGET_RATIO = 0.5;
    /** Full imports into throwaway caches before anything is timed, so H2, Jackson and the importer are JIT-warm. */
    static final int WARMUP_IMPORTS = 2;
    /** Timed rounds, each a HAPI parse pass and an import. */
    static final int ROUNDS = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IngestBench() {
    }

    public static void main(String[] args) {
        int events = BenchSupport.intProp("bench.ingest", 100_000);
        Map<String, Object> result = run(new Fhir(), events);
        System.out.println(table(result));
    }

    static Map<String, Object> run(Fhir fhir, int events) {
        Map<String, Object> env = BenchSupport.environment();
        Path out = BenchSupport.outDir();
        FhirContext ctx = fhir.context();
        DemoGenerator gen = new DemoGenerator(ctx, BenchSupport.SEED, BenchSupport.END, BenchSupport.DAYS);

        // 1. generate all Bundles into memory (not timed as part of anything)
        log("ingest: generating " + events + " AuditEvents in Bundles of " + BUNDLE + " into memory");
        long g0 = System.nanoTime();
        List<byte[]> bundles = new ArrayList<>();
        long bytes = 0;
        for (int from = 0; from < events; from += BUNDLE) {
            byte[] b = gen.bundleJson(from, Math.min(BUNDLE, events - from), false).getBytes(StandardCharsets.UTF_8);
            bundles.add(b);
            bytes += b.length;
        }
        long generateNs = System.nanoTime() - g0;
        log(fmt("ingest: generated %d bundles, %.1f MB in %.1f s", bundles.size(), BenchSupport.mb(bytes),
                BenchSupport.seconds(generateNs)));

        // 2. warm-up of both sides: one HAPI pass, and WARMUP_IMPORTS full imports into throwaway caches (the
        // import runs far more code than the parser: H2, Jackson, two threads; one pass of it is not yet warm)
        List<String> texts = new ArrayList<>(bundles.size());
        for (byte[] b : bundles) {
            texts.add(new String(b, StandardCharsets.UTF_8));
        }
        log("ingest: HAPI parse-only warm-up pass");
        parseAll(ctx, texts);
        Path tmp = out.resolve("tmp");
        for (int w = 1; w <= WARMUP_IMPORTS; w++) {
            log("ingest: warm-up import " + w + "/" + WARMUP_IMPORTS + " of " + events + " events (throwaway cache)");
            TimedImport warm = timedImport(fhir, bundles, tmp);
            log(fmt("ingest: warm-up import %d: %.0f events/s", w, events / BenchSupport.seconds(warm.ingestNs)));
        }
        log("ingest: the import's own work without the database (Jackson, extract, compact text, hash, packing)");
        importWithoutDb(bundles);
        long cpuNd = THREADS.getCurrentThreadCpuTime();
        long nd0 = System.nanoTime();
        long noDbEvents = importWithoutDb(bundles);
        long noDbNs = System.nanoTime() - nd0;
        long noDbCpuNs = THREADS.getCurrentThreadCpuTime() - cpuNd;
        check(noDbEvents == events, "the import without the database saw " + noDbEvents + " events");
        BenchSupport.usedHeapAfterGc();

        // 3. ROUNDS timed rounds, each a HAPI parse pass over the Bundle texts and then an import of the same
        // Bundles into a fresh cache: interleaved, so that a slow minute on this shared machine hits both sides
        List<Double> parsePassMs = new ArrayList<>();
        List<Double> parsePassCpuMs = new ArrayList<>();
        List<Double> parsePassProcessCpuMs = new ArrayList<>();
        List<TimedImport> imports = new ArrayList<>();
        GcTotals parseGc = GcTotals.zero();
        for (int round = 1; round <= ROUNDS; round++) {
            log("ingest: round " + round + "/" + ROUNDS + ": HAPI parse-only pass (String)");
            GcTotals gcP0 = GcTotals.now();
            long cpu = THREADS.getCurrentThreadCpuTime();
            long pcpu = BenchSupport.processCpuNanos();
            long p0 = System.nanoTime();
            long parsed = parseAll(ctx, texts);
            parsePassMs.add(BenchSupport.ms(System.nanoTime() - p0));
            parsePassCpuMs.add(BenchSupport.ms(THREADS.getCurrentThreadCpuTime() - cpu));
            parsePassProcessCpuMs.add(BenchSupport.ms(BenchSupport.processCpuNanos() - pcpu));
            parseGc = parseGc.plus(GcTotals.now().minus(gcP0));
            check(parsed == events, "HAPI parsed " + parsed + " entries, expected " + events);
            BenchSupport.usedHeapAfterGc();
            log("ingest: round " + round + "/" + ROUNDS + ": import of " + events + " events into a fresh cache");
            TimedImport ti = timedImport(fhir, bundles, tmp);
            ImportReport.Counts ae = ti.report.counts("AuditEvent");
            check(ae.added == events && ti.report.quarantined() == 0,
                    "import stored " + ae.added + " of " + events + ", quarantined " + ti.report.quarantined());
            imports.add(ti);
            BenchSupport.usedHeapAfterGc();
        }
        texts = null;
        log("ingest: HAPI parse-only pass (UTF-8 bytes through a Reader)");
        long r0 = System.nanoTime();
        long parsedFromBytes = parseAllBytes(ctx, bundles);
        long parseBytesNs = System.nanoTime() - r0;
        check(parsedFromBytes == events, "HAPI parsed " + parsedFromBytes + " entries from bytes");

        // 4. figures: the median parse pass against the median import; the import's details are the median one's
        List<TimedImport> byRate = new ArrayList<>(imports);
        byRate.sort(java.util.Comparator.comparingLong(t -> t.ingestNs));
        TimedImport median = byRate.get(byRate.size() / 2);
        long ingestNs = median.ingestNs;
        long openNs = median.openNs;
        long closeNs = median.closeNs;
        long cpuIngest = median.cpuNs;
        long mainCpuIngest = median.mainCpuNs;
        double[] perBundleMs = median.perBundleMs;
        GcTotals ingestGc = median.gc;
        long fileBytes = median.fileBytes;
        ImportReport total = median.report;
        ImportReport.Counts ae = total.counts("AuditEvent");
        double ingestRate = events / BenchSupport.seconds(ingestNs);
        double ingestRateWithClose = events / BenchSupport.seconds(ingestNs + closeNs);
        BenchSupport.Stats parseStats = BenchSupport.Stats.of(parsePassMs);
        BenchSupport.Stats parseCpuStats = BenchSupport.Stats.of(parsePassCpuMs);
        long parseNs = (long) (parseStats.median() * 1e6);
        double parseRate = events / BenchSupport.seconds(parseNs);
        double parseBestRate = events / (parseStats.min() / 1e3);
        double parseCpuRate = events / (parseCpuStats.median() / 1e3);
        double parseProcessCpuRate = events / (BenchSupport.Stats.of(parsePassProcessCpuMs).median() / 1e3);
        double ingestProcessCpuRate = events / BenchSupport.seconds(cpuIngest);
        double parseBytesRate = events / BenchSupport.seconds(parseBytesNs);
        double ratio = ingestRate / parseRate;
        List<Double> roundRatios = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            roundRatios.add(round(parsePassMs.get(i) * 1e6 / imports.get(i).ingestNs, 3));
        }
        int tenth = Math.max(1, bundles.size() / 10);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("events", events);
        settings.put("eventsPerBundle", BUNDLE);
        settings.put("bundles", bundles.size());
        settings.put("bundleBytesTotal", bytes);
        settings.put("avgBytesPerEventInBundle", round((double) bytes / events, 1));
        settings.put("generator", "DemoGenerator seed " + BenchSupport.SEED + ", end " + BenchSupport.END + ", "
                + BenchSupport.DAYS + " days");
        settings.put("warmup", "one HAPI pass and " + WARMUP_IMPORTS + " full imports into throwaway caches");
        settings.put("rounds", ROUNDS + " x (HAPI parse pass, then import into a fresh cache); medians of each");
        settings.put("timedSection", "Importer.importStream of every Bundle (parse, extract, upsert, commit per 1,000)"
                + " into a freshly opened cache; open and close are reported separately");

        Map<String, Object> ingest = new LinkedHashMap<>();
        ingest.put("seconds", round(BenchSupport.seconds(ingestNs), 3));
        ingest.put("roundsEventsPerSecond", imports.stream()
                .map(t -> Math.round(events / BenchSupport.seconds(t.ingestNs))).toList());
        ingest.put("detailsFrom", "the import with the median rate");
        ingest.put("eventsPerSecond", round(ingestRate, 0));
        ingest.put("eventsPerSecondIncludingClose", round(ingestRateWithClose, 0));
        ingest.put("megabytesPerSecond", round(bytes / 1048576.0 / BenchSupport.seconds(ingestNs), 2));
        ingest.put("openMs", round(BenchSupport.ms(openNs), 1));
        ingest.put("closeMs", round(BenchSupport.ms(closeNs), 1));
        ingest.put("bundleMs", BenchSupport.Stats.of(toList(perBundleMs)).json());
        ingest.put("firstTenthBundleMsMean", round(mean(perBundleMs, 0, tenth), 1));
        ingest.put("lastTenthBundleMsMean", round(mean(perBundleMs, perBundleMs.length - tenth, perBundleMs.length), 1));
        ingest.put("gcCount", ingestGc.count());
        ingest.put("gcMs", ingestGc.millis());
        // CPU of the calling thread only: the importer may hand work to other threads, so compare process CPU
        ingest.put("callingThreadCpuSeconds", round(BenchSupport.seconds(mainCpuIngest), 2));
        ingest.put("processCpuSeconds", round(BenchSupport.seconds(cpuIngest), 2));
        ingest.put("eventsPerProcessCpuSecond", round(ingestProcessCpuRate, 0));
        ingest.put("loadAverage1mBefore", round(median.loadBefore, 2));
        ingest.put("loadAverage1mAfter", round(median.loadAfter, 2));
        ingest.put("cpuUtilisation", round((double) cpuIngest / ingestNs, 2));
        ingest.put("fileBytesAfterClose", fileBytes);
        ingest.put("fileBytesPerEventAfterClose", round((double) fileBytes / events, 0));
        ingest.put("stored", ae.added);
        ingest.put("quarantined", total.quarantined());

        Map<String, Object> parse = new LinkedHashMap<>();
        parse.put("api", "ctx.newJsonParser().parseResource(Bundle.class, String), warm (one pass before); the median"
                + " of the timed passes is the baseline");
        parse.put("passes", ROUNDS);
        parse.put("passMs", parsePassMs.stream().map(v -> round(v, 1)).toList());
        parse.put("seconds", round(BenchSupport.seconds(parseNs), 3));
        parse.put("eventsPerSecond", round(parseRate, 0));
        parse.put("eventsPerSecondBestPass", round(parseBestRate, 0));
        parse.put("megabytesPerSecond", round(bytes / 1048576.0 / BenchSupport.seconds(parseNs), 2));
        parse.put("eventsPerMainThreadCpuSecond", round(parseCpuRate, 0));
        parse.put("eventsPerProcessCpuSecond", round(parseProcessCpuRate, 0));
        parse.put("gcMs", parseGc.millis());
        parse.put("fromBytesEventsPerSecond", round(parseBytesRate, 0));
        parse.put("fromBytesNote", "parseResource(Bundle.class, Reader over the UTF-8 bytes): includes decoding");

        Map<String, Object> noDb = new LinkedHashMap<>();
        noDb.put("what", "Importer's work without the cache: Jackson tree per entry, compact text, content hash, "
                + "AuditExtractor.extract (public API replay, informational)");
        noDb.put("eventsPerSecond", round(events / BenchSupport.seconds(noDbNs), 0));
        noDb.put("eventsPerMainThreadCpuSecond", round(events / BenchSupport.seconds(noDbCpuNs), 0));
        noDb.put("shareOfImportProcessCpu", round((double) noDbCpuNs / cpuIngest, 3));

        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("ingestEventsPerSecond", target(ingestRate, ">=", TARGET_EVENTS_PER_S));
        targets.put("ratioToParseOnly", target(ratio, ">=", TARGET_RATIO));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "ingest");
        result.put("environment", env);
        result.put("settings", settings);
        result.put("generateSeconds", round(BenchSupport.seconds(generateNs), 2));
        result.put("ingest", ingest);
        result.put("parseOnly", parse);
        result.put("importWithoutDatabase", noDb);
        result.put("ratioIngestToParseOnly", round(ratio, 3));
        result.put("ratioPerRound", roundRatios);
        result.put("ratioIngestToParseOnlyByProcessCpu", round(ingestProcessCpuRate / parseProcessCpuRate, 3));
        result.put("targets", targets);
        log("ingest: wrote " + BenchSupport.writeResult("ingest", result, table(result)));
        return result;
    }

    /** One timed import of all Bundles into a fresh cache (open and close timed apart), deleted afterwards. */
    private record TimedImport(long ingestNs, long openNs, long closeNs, long cpuNs, long mainCpuNs,
                               double[] perBundleMs, GcTotals gc, long fileBytes, double loadBefore,
                               double loadAfter, ImportReport report) {
    }

    private static TimedImport timedImport(Fhir fhir, List<byte[]> bundles, Path tmp) {
        Path dir = tmp.resolve("ingest-" + System.nanoTime());
        long o0 = System.nanoTime();
        Cache cache = Cache.open(dir.resolve("custos"));
        long openNs = System.nanoTime() - o0;
        Importer importer = new Importer(cache, fhir);
        ImportReport total = new ImportReport();
        double[] perBundleMs = new double[bundles.size()];
        GcTotals gc0 = GcTotals.now();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long cpu0 = BenchSupport.processCpuNanos();
        long mainCpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < bundles.size(); i++) {
            long b0 = System.nanoTime();
            total.addAll(importer.importStream("demo", "bench-ingest", new ByteArrayInputStream(bundles.get(i)),
                    "x.json", Importer.SILENT));
            perBundleMs[i] = BenchSupport.ms(System.nanoTime() - b0);
        }
        long ingestNs = System.nanoTime() - t0;
        long mainCpu = THREADS.getCurrentThreadCpuTime() - mainCpu0;
        long cpu = BenchSupport.processCpuNanos() - cpu0;
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        GcTotals gc = GcTotals.now().minus(gc0);
        long c0 = System.nanoTime();
        cache.close();
        long closeNs = System.nanoTime() - c0;
        long fileBytes = BenchSupport.size(cache.file());
        BenchSupport.deleteTree(dir);
        return new TimedImport(ingestNs, openNs, closeNs, cpu, mainCpu, perBundleMs, gc, fileBytes, loadBefore,
                loadAfter, total);
    }

    static Map<String, Object> target(double value, String op, double limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", round(value, 3));
        m.put("target", op + " " + (limit == Math.rint(limit) ? String.valueOf((long) limit) : String.valueOf(limit)));
        boolean ok = ">=".equals(op) ? value >= limit : value <= limit;
        m.put("pass", ok);
        return m;
    }

    private static long parseAll(FhirContext ctx, List<String> texts) {
        IParser p = ctx.newJsonParser();
        long n = 0;
        for (String t : texts) {
            n += p.parseResource(Bundle.class, t).getEntry().size();
        }
        return n;
    }

    /** What Importer does per AuditEvent before the cache (tree, compact text, hash, search columns). */
    private static long importWithoutDb(List<byte[]> bundles) {
        long n = 0;
        long sink = 0;
        try {
            for (byte[] b : bundles) {
                List<AuditStore.Item> items = new ArrayList<>(BUNDLE);
                for (JsonNode entry : MAPPER.readTree(b).path("entry")) {
                    ObjectNode tree = (ObjectNode) entry.get("resource");
                    IncomingResource r = IncomingResource.of(tree, null, "entry");
                    AuditEventRow row = AuditExtractor.extract(tree);
                    items.add(new AuditStore.Item(r, row));
                    n++;
                }
                sink += AuditStore.batch(1, items).items().get(0).hash();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sink == 42 ? n + 1 : n;
    }

    private static long parseAllBytes(FhirContext ctx, List<byte[]> bundles) {
        IParser p = ctx.newJsonParser();
        long n = 0;
        for (byte[] b : bundles) {
            n += p.parseResource(Bundle.class, new InputStreamReader(new ByteArrayInputStream(b),
                    StandardCharsets.UTF_8)).getEntry().size();
        }
        return n;
    }

    private static List<Double> toList(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) {
            l.add(d);
        }
        return l;
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return to > from ? s / (to - from) : Double.NaN;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("Benchmark precondition failed: " + message);
        }
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        Map<String, Object> s = (Map<String, Object>) r.get("settings");
        Map<String, Object> in = (Map<String, Object>) r.get("ingest");
        Map<String, Object> p = (Map<String, Object>) r.get("parseOnly");
        Map<String, Object> t = (Map<String, Object>) r.get("targets");
        Map<String, Object> env = (Map<String, Object>) r.get("environment");
        Map<String, Object> bundle = (Map<String, Object>) in.get("bundleMs");
        StringBuilder b = new StringBuilder();
        b.append(fmt("%nINGEST  %,d AuditEvents in %,d Bundles of %,d (%.1f MB, %.0f B/event as JSON)%n",
                s.get("events"), s.get("bundles"), s.get("eventsPerBundle"),
                BenchSupport.mb(((Number) s.get("bundleBytesTotal")).longValue()), s.get("avgBytesPerEventInBundle")));
        b.append(fmt("  %s, %s cores, load %s, %s%n", env.get("date"), env.get("cores"), env.get("loadAverage1m"),
                env.get("jvmArgs")));
        b.append(fmt("  %-44s %12s %10s%n", "", "events/s", "MB/s"));
        b.append(fmt("  %-44s %,12.0f %10.2f%n", "Custos import (fresh cache, median of " + p.get("passes") + ")",
                num(in, "eventsPerSecond"), num(in, "megabytesPerSecond")));
        b.append(fmt("  %-44s %,12.0f%n", "  ... including cache close", num(in, "eventsPerSecondIncludingClose")));
        b.append(fmt("  %-44s %,12.0f %10.2f%n", "HAPI parse-only (String, warm, median of " + p.get("passes") + ")",
                num(p, "eventsPerSecond"), num(p, "megabytesPerSecond")));
        b.append(fmt("  %-44s %,12.0f%n", "  ... best pass", num(p, "eventsPerSecondBestPass")));
        b.append(fmt("  %-44s %,12.0f%n", "HAPI parse-only (bytes via Reader, warm)",
                num(p, "fromBytesEventsPerSecond")));
        Map<String, Object> nd = (Map<String, Object>) r.get("importWithoutDatabase");
        b.append(fmt("  %-44s %,12.0f%n", "import's own work without the cache (info)", num(nd, "eventsPerSecond")));
        b.append(fmt("  %-44s %12.3f   (per round: %s)%n", "ratio import / parse-only (medians)",
                num(r, "ratioIngestToParseOnly"), r.get("ratioPerRound")));
        b.append(fmt("  %-44s %12s%n", "import per round (events/s)", in.get("roundsEventsPerSecond")));
        b.append(fmt("  %-44s %12.3f   (import %,.0f vs parse %,.0f events per CPU s, all threads)%n",
                "ratio by process CPU time (info)", num(r, "ratioIngestToParseOnlyByProcessCpu"),
                num(in, "eventsPerProcessCpuSecond"), num(p, "eventsPerProcessCpuSecond")));

        b.append(fmt("  import %.2f s; per Bundle median %.1f ms, p95 %.1f ms; first tenth %.1f ms, last tenth %.1f ms%n",
                num(in, "seconds"), num(bundle, "medianMs"), num(bundle, "p95Ms"), num(in, "firstTenthBundleMsMean"),
                num(in, "lastTenthBundleMsMean")));
        b.append(fmt("  GC %s collections, %s ms; process CPU %.2f s (%.2f cores busy), calling thread %.2f s; load %.2f -> %.2f%n",
                in.get("gcCount"), in.get("gcMs"), num(in, "processCpuSeconds"), num(in, "cpuUtilisation"),
                num(in, "callingThreadCpuSeconds"), num(in, "loadAverage1mBefore"), num(in, "loadAverage1mAfter")));
        b.append(fmt("  open %.0f ms, close %.0f ms; file %,d B/event after close (before compaction)%n",
                num(in, "openMs"), num(in, "closeMs"), ((Number) in.get("fileBytesPerEventAfterClose")).longValue()));
        b.append("  targets:\n");
        t.forEach((k, v) -> {
            Map<String, Object> m = (Map<String, Object>) v;
            b.append(fmt("    %-24s %12s  (target %s)  %s%n", k, m.get("value"), m.get("target"),
                    BenchSupport.pass((Boolean) m.get("pass"))));
        });
        return b.toString();
    }

    static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }
}
