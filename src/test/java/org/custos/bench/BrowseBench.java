package org.custos.bench;

import org.custos.audit.AuditViewModel;
import org.custos.bench.BenchSupport.HeapSampler;
import org.custos.bench.BenchSupport.Stats;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditStore;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.CacheKey;
import org.custos.cache.Keyset;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.Fhir;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.custos.ui.ImmediateTaskRunner;
import org.hl7.fhir.dstu3.model.Patient;
import org.hl7.fhir.dstu3.model.Practitioner;
import org.hl7.fhir.dstu3.model.Resource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import static org.custos.bench.BenchSupport.fmt;
import static org.custos.bench.BenchSupport.log;
import static org.custos.bench.BenchSupport.mb;
import static org.custos.bench.BenchSupport.ms;
import static org.custos.bench.BenchSupport.round;
import static org.custos.bench.IngestBench.check;
import static org.custos.bench.IngestBench.num;
import static org.custos.bench.IngestBench.target;

/**
 * Browse benchmark (not a test) on N cached AuditEvents (default 1,000,000): first-page latency of typical filters
 * (cold, cold after reopening, warm median and p95), the full key scan and count behind each, heap while browsing
 * through {@link AuditViewModel}, and bytes on disk per event before and after compaction. Writes
 * {@code target/bench/browse.json}.
 *
 * <p>The events come from a generated {@code .ndjson.gz} under target/bench, written once and reused by later runs
 * (same seed, end and span). {@code -Dbench.browse=N} sets N; {@code -Dbench.reuseCache=true} reuses the filled
 * cache of an earlier run with the same N (the disk figures are then only those after compaction).
 * {@code -Dbench.browseEncrypted=true} runs it all on a cache encrypted as "Encrypt the cache" does (a random key, kept
 * in memory for the run only: such a cache is always filled afresh, in its own folder, and the result file is
 * {@code browse-encrypted.json}).
 */
public final class BrowseBench {
    static final int PAGE = 100;
    /** Openings after the first reopening, each timed with a cold pass of first pages (5b). */
    static final int MORE_REOPENINGS = 5;
    static final int KEY_CHUNK = 50_000;
    static final int MIN_WARM = 20;
    static final int MAX_WARM = 40;
    static final long WARM_BUDGET_NS = Duration.ofSeconds(12).toNanos();
    static final int SCROLL_POSITIONS = 200;
    static final double TARGET_WARM_MS = 50;
    static final double TARGET_HEAP_MB = 300;
    static final double TARGET_BYTES_PER_EVENT = 2048;
    static final double TARGET_VERIFY_SECONDS = 30;

    /** One typical filter, with the values it cycles through so that H2 cannot hand back its previous result. */
    record Case(String key, String label, List<AuditFilter> values, boolean informational) {
        boolean varied() {
            return values.size() > 1;
        }

        AuditFilter value(int i) {
            return values.get(i % values.size());
        }

        /**
         * H2 keeps the last result of each cached statement and returns it again when the parameters are equal and
         * nothing changed; a filter with one fixed value therefore alternates LIMIT 100 / 101 between repetitions.
         */
        int limit(int rep) {
            return varied() ? PAGE : PAGE + (rep % 2);
        }
    }

    private BrowseBench() {
    }

    public static void main(String[] args) {
        int events = BenchSupport.intProp("bench.browse", 1_000_000);
        Map<String, Object> result = run(new Fhir(), events);
        System.out.println(table(result));
    }

    static Map<String, Object> run(Fhir fhir, int events) {
        Map<String, Object> env = BenchSupport.environment();
        Path out = BenchSupport.outDir();
        DemoGenerator gen = new DemoGenerator(fhir.context(), BenchSupport.SEED, BenchSupport.END, BenchSupport.DAYS);
        List<Case> cases = cases(gen);
        Map<String, Object> result = new LinkedHashMap<>();
        boolean encrypted = BenchSupport.boolProp("bench.browseEncrypted");
        CacheKey key = encrypted ? CacheKey.random() : null;
        String name = encrypted ? "browse-encrypted" : "browse";
        result.put("benchmark", name);
        result.put("environment", env);

        // 1. the events: a generated NDJSON file, reused across runs
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("events", events);
        settings.put("encrypted", encrypted);
        settings.put("generator", "DemoGenerator seed " + BenchSupport.SEED + ", end " + BenchSupport.END + ", "
                + BenchSupport.DAYS + " days");
        long w0 = System.nanoTime();
        boolean existed = Files.exists(source(gen, out, events));
        Path ndjson = ensureSource(gen, out, events);
        settings.put("source", ndjson.getFileName().toString());
        if (!existed) {
            settings.put("sourceWrittenSeconds", round(BenchSupport.seconds(System.nanoTime() - w0), 1));
        }
        settings.put("sourceBytes", BenchSupport.size(ndjson));
        settings.put("firstPage", "AuditStore.page(filter, null, false, " + PAGE + ")");
        settings.put("warmRepetitions", MIN_WARM + ".." + MAX_WARM + " (stops after " + MIN_WARM + " once "
                + WARM_BUDGET_NS / 1_000_000_000 + " s are spent)");
        settings.put("resultReuse", "filters with one fixed value alternate LIMIT 100/101 between repetitions, the "
                + "others cycle through 20 values, so H2's reuse of a statement's last result (OPTIMIZE_REUSE_RESULTS) "
                + "does not apply; 'sameParamsMedianMs' repeats one identical call to show whether it would");
        result.put("settings", settings);

        // 2. fill a cache (or reuse the one of an earlier run)
        Path dir = out.resolve((encrypted ? "browse-cache-encrypted-" : "browse-cache-") + events);
        Path db = dir.resolve("custos");
        boolean reuse = !encrypted && BenchSupport.boolProp("bench.reuseCache")
                && Files.exists(dir.resolve("custos.mv.db"));
        Map<String, Object> disk = new LinkedHashMap<>();
        if (reuse) {
            log("browse: reusing the cache in " + dir);
            try (Cache c = Cache.open(db, key)) {
                long n = c.audit().count(AuditFilter.ALL, Long.MAX_VALUE);
                check(n == events, "the reused cache holds " + n + " events, expected " + events);
            }
            settings.put("filled", "reused from an earlier run");
        } else {
            BenchSupport.deleteTree(dir);
            result.put("fill", fill(fhir, db, key, ndjson, events));
            long size = BenchSupport.size(dir.resolve("custos.mv.db"));
            disk.put("fileBytesAfterFill", size);
            disk.put("bytesPerEventAfterFill", round((double) size / events, 1));
        }

        // 3. latency: cold (first run after opening), warm, key scan and count
        long o0 = System.nanoTime();
        Cache cache = Cache.open(db, key);
        check(cache.encrypted() == encrypted, "the cache is " + (cache.encrypted() ? "" : "not ") + "encrypted");
        result.put("openMs", round(ms(System.nanoTime() - o0), 1));
        AuditStore store = cache.audit();
        Map<String, Map<String, Object>> perFilter = new LinkedHashMap<>();
        for (Case c : cases) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", c.label());
            m.put("informational", c.informational());
            m.put("valuesCycled", c.values().size());
            perFilter.put(c.key(), m);
        }
        log("browse: cold first pages");
        for (Case c : cases) {
            Timed t = firstPage(store, c.value(0), PAGE);
            perFilter.get(c.key()).put("coldMs", round(t.ms, 2));
            perFilter.get(c.key()).put("firstPageRows", t.rows);
        }
        log("browse: warm first pages");
        for (Case c : cases) {
            BenchSupport.GcTotals gc0 = BenchSupport.GcTotals.now();
            List<Double> warm = warm(store, c);
            perFilter.get(c.key()).put("warm", Stats.of(warm).json());
            perFilter.get(c.key()).put("warmGcMs", BenchSupport.GcTotals.now().minus(gc0).millis());
            List<Double> same = new ArrayList<>();
            for (int rep = 0; rep < 5; rep++) {
                same.add(firstPage(store, c.value(0), PAGE).ms);
            }
            perFilter.get(c.key()).put("sameParamsMedianMs", round(Stats.of(same).median(), 3));
        }
        log("browse: full key scans and counts");
        for (Case c : cases) {
            Map<String, Object> m = perFilter.get(c.key());
            AuditFilter f = c.value(0);
            long s0 = System.nanoTime();
            long[] scanned = scanKeys(store, f);
            m.put("keyScanMs", round(ms(System.nanoTime() - s0), 1));
            m.put("keyScanChunks", scanned[1]);
            m.put("matches", scanned[0]);
            long k0 = System.nanoTime();
            long count = store.count(f, Long.MAX_VALUE);
            m.put("countMs", round(ms(System.nanoTime() - k0), 1));
            check(count == scanned[0], c.key() + ": count " + count + " but the key scan found " + scanned[0]);
        }
        check(((Number) perFilter.get("noFilter").get("matches")).longValue() == events, "no filter does not give all");

        // 4. heap while browsing through the view model
        log("browse: heap while browsing " + events + " events");
        result.put("heap", browseHeap(store, fhir, events));

        // 5. cold again after closing and reopening the cache
        cache.close();
        long r0 = System.nanoTime();
        cache = Cache.open(db, key);
        result.put("reopenMs", round(ms(System.nanoTime() - r0), 1));
        store = cache.audit();
        log("browse: cold first pages after reopening");
        List<Double> sums = new ArrayList<>(List.of(coldSum(perFilter, "coldMs")));
        for (Case c : cases) {
            perFilter.get(c.key()).put("coldAfterReopenMs", round(firstPage(store, c.value(1), PAGE).ms, 2));
        }
        sums.add(coldSum(perFilter, "coldAfterReopenMs"));
        // 5b. more openings, each closed and opened again, each cold pass on other filter values where a filter has
        // them: one opening's sum moved as much between runs as encryption may cost (README, issue 14, series 4)
        List<Double> reopenings = new ArrayList<>();
        for (int i = 0; i < MORE_REOPENINGS; i++) {
            cache.close();
            long m0 = System.nanoTime();
            cache = Cache.open(db, key);
            reopenings.add(round(ms(System.nanoTime() - m0), 1));
            store = cache.audit();
            double sum = 0;
            for (Case c : cases) {
                sum += firstPage(store, c.value(2 + i), PAGE).ms;
            }
            sums.add(round(sum, 2));
        }
        result.put("moreReopeningsMs", reopenings);
        // the sum of the cold first pages of all the filters, at each opening: after the fill, after the first
        // reopening, then after each of the others
        result.put("coldFirstPagesSumsMs", sums);
        result.put("coldFirstPagesSumMedianMs", round(Stats.of(sums).median(), 2));

        // 6. compaction
        long before = BenchSupport.size(cache.file());
        log("browse: compacting (SHUTDOWN COMPACT) a file of " + mb(before) + " MB");
        long c0 = System.nanoTime();
        cache.compactAndClose();
        long compactNs = System.nanoTime() - c0;
        long after = BenchSupport.size(cache.file());
        disk.put("fileBytesBeforeCompaction", before);
        disk.put("fileBytesAfterCompaction", after);
        disk.put("bytesPerEventAfterCompaction", round((double) after / events, 1));
        disk.put("compactSeconds", round(BenchSupport.seconds(compactNs), 1));
        result.put("disk", disk);

        // 7. warm again on the compacted file (informational)
        log("browse: first pages on the compacted cache");
        try (Cache compacted = Cache.open(db, key)) {
            AuditStore s = compacted.audit();
            for (Case c : cases) {
                Map<String, Object> m = perFilter.get(c.key());
                m.put("compactedColdMs", round(firstPage(s, c.value(2), PAGE).ms, 2));
                List<Double> warm = new ArrayList<>();
                for (int rep = 3; rep < 3 + MIN_WARM; rep++) {
                    warm.add(firstPage(s, c.value(rep), c.limit(rep)).ms);
                }
                m.put("compactedWarm", Stats.of(warm).json());
            }
            // 8. custos verify of the whole cache: every fingerprint computed again, the chain walked
            log("browse: verifying the cache against its ledger");
            long v0 = System.nanoTime();
            org.custos.cache.Verifier.Result v = compacted.verifier().run(null, () -> false, (d, t) -> { });
            double secs = BenchSupport.seconds(System.nanoTime() - v0);
            Map<String, Object> verify = new LinkedHashMap<>();
            verify.put("seconds", round(secs, 1));
            verify.put("rows", v.rows());
            verify.put("ledgerEntries", v.entries());
            verify.put("rowsPerSecond", Math.round(v.rows() / secs));
            verify.put("intact", v.intact());
            result.put("verify", verify);
            log(fmt("browse: verify %.1f s for %,d rows (%s)", secs, v.rows(), v.intact() ? "intact" : "NOT intact"));
        }
        result.put("filters", perFilter);

        Map<String, Object> targets = new LinkedHashMap<>();
        for (Case c : cases) {
            if (!c.informational()) {
                double med = num(warm(perFilter.get(c.key())), "medianMs");
                targets.put("firstPageWarmMedianMs." + c.key(), target(med, "<=", TARGET_WARM_MS));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> heap = (Map<String, Object>) result.get("heap");
        targets.put("heapWhileBrowsingMB", target(num(heap, "usedAfterBrowseGcMB"), "<=", TARGET_HEAP_MB));
        targets.put("bytesPerEventAfterCompaction", target(num(disk, "bytesPerEventAfterCompaction"), "<=",
                TARGET_BYTES_PER_EVENT));
        @SuppressWarnings("unchecked")
        Map<String, Object> verify = (Map<String, Object>) result.get("verify");
        targets.put("verifySeconds", target(num(verify, "seconds"), "<=", TARGET_VERIFY_SECONDS));
        result.put("targets", targets);
        log("browse: wrote " + BenchSupport.writeResult(name, result, table(result)));
        return result;
    }

    /**
     * Where the generated NDJSON lives: the name holds seed, end, span, count and a fingerprint of the first events,
     * so a file written by a generator that has changed since is not reused.
     */
    static Path source(DemoGenerator gen, Path out, int events) {
        String fingerprint = Integer.toHexString(gen.bundleJson(0, Math.min(events, 20), false).hashCode());
        return out.resolve("demo-" + BenchSupport.SEED + "-" + BenchSupport.END.toString().substring(0, 10) + "-"
                + BenchSupport.DAYS + "d-" + events + "-" + fingerprint + ".ndjson.gz");
    }

    /** The generated NDJSON of {@code events} events under {@code out}, written now unless an earlier run did. */
    static Path ensureSource(DemoGenerator gen, Path out, int events) {
        Path ndjson = source(gen, out, events);
        if (Files.exists(ndjson)) {
            return ndjson;
        }
        log("browse: writing " + events + " events to " + ndjson + " (once; later runs reuse it)");
        long w0 = System.nanoTime();
        Path part = ndjson.resolveSibling("partial-" + ndjson.getFileName());
        try {
            gen.write(part, events);
            Files.move(part, ndjson, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log(fmt("browse: wrote %s in %.0f s", ndjson.getFileName(), BenchSupport.seconds(System.nanoTime() - w0)));
        return ndjson;
    }

    /** The five typical filters and an informational free-text one, with values that occur in the demo data. */
    static List<Case> cases(DemoGenerator gen) {
        List<Practitioner> users = new ArrayList<>();
        List<Patient> patients = new ArrayList<>();
        for (Resource r : gen.directory()) {
            if (r instanceof Practitioner p) {
                users.add(p);
            } else if (r instanceof Patient p) {
                patients.add(p);
            }
        }
        List<AuditFilter> byUser = new ArrayList<>();
        List<AuditFilter> byPatient = new ArrayList<>();
        List<AuditFilter> byText = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Practitioner u = users.get(i * users.size() / 20);
            byUser.add(AuditFilter.ALL.withAgent(u.getIdentifierFirstRep().getValue()));
            Patient p = patients.get(i * patients.size() / 20 + 7);
            byPatient.add(AuditFilter.ALL.withPatient("Patient/" + p.getIdElement().getIdPart()));
            byText.add(AuditFilter.ALL.withText(p.getNameFirstRep().getFamily()));
        }
        long from = BenchSupport.END.minus(Duration.ofDays(30)).toEpochMilli();
        return List.of(
                new Case("noFilter", "no filter (newest first)", List.of(AuditFilter.ALL), false),
                new Case("agent", "agent = a user's login", byUser, false),
                new Case("patient", "patient = Patient/<id>", byPatient, false),
                new Case("purposeBTG", "purpose = BTG (break-the-glass)", List.of(AuditFilter.ALL.withPurpose("BTG")),
                        false),
                new Case("failedLogins30d", "outcome 4 + action E, last 30 days",
                        List.of(AuditFilter.ALL.withOutcome("4").withAction("E").withFrom(from)), false),
                new Case("text", "free text = a patient's surname (info)", byText, true));
    }

    /**
     * The warm first pages of one filter (the browse targets): {@value #MIN_WARM} to {@value #MAX_WARM} repetitions,
     * its values cycled, stopping after {@value #MIN_WARM} once the budget is spent; their times (ms).
     */
    static List<Double> warm(AuditStore store, Case c) {
        List<Double> warm = new ArrayList<>();
        long start = System.nanoTime();
        for (int rep = 1; rep <= MAX_WARM; rep++) {
            if (rep > MIN_WARM && System.nanoTime() - start > WARM_BUDGET_NS) {
                break;
            }
            warm.add(firstPage(store, c.value(rep), c.limit(rep)).ms);
        }
        return warm;
    }

    record Timed(double ms, int rows) {
    }

    static Timed firstPage(AuditStore store, AuditFilter f, int limit) {
        long t0 = System.nanoTime();
        List<AuditSummary> rows = store.page(f, null, false, limit);
        return new Timed(ms(System.nanoTime() - t0), rows.size());
    }

    /**
     * Reads all matching keys the way the browser does for the count: {matches, chunks}. Filters the recorded index
     * cannot narrow are read in storage order and sorted in memory (one "chunk"); the others in keyset chunks.
     */
    private static long[] scanKeys(AuditStore store, AuditFilter f) {
        if (AuditStore.scansBetterUnordered(f)) {
            return new long[]{store.sortedKeys(f, false, () -> false).length, 1};
        }
        long[] n = {0, 0};
        Keyset after = null;
        while (true) {
            n[1]++;
            Optional<Keyset> next = store.keys(f, after, false, KEY_CHUNK, pk -> n[0]++);
            if (next.isEmpty()) {
                return n;
            }
            after = next.get();
        }
    }

    static Map<String, Object> fill(Fhir fhir, Path db, CacheKey key, Path ndjson, int events) {
        log("browse: filling a fresh cache with " + events + " events from " + ndjson.getFileName());
        List<Map<String, Object>> splits = new ArrayList<>();
        long step = Math.max(1000, events / 10);
        long t0 = System.nanoTime();
        long[] last = {t0, 0};
        Importer.Listener progress = new Importer.Listener() {
            @Override
            public void progress(long done) {
                if (done - last[1] >= step || (done == events && done > last[1])) {
                    long now = System.nanoTime();
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("events", done);
                    s.put("eventsPerSecond", round((done - last[1]) / BenchSupport.seconds(now - last[0]), 0));
                    splits.add(s);
                    log(fmt("browse: fill %,d events, %,.0f events/s", done, s.get("eventsPerSecond")));
                    last[0] = now;
                    last[1] = done;
                }
            }
        };
        BenchSupport.GcTotals gc0 = BenchSupport.GcTotals.now();
        ImportReport report;
        Cache cache = Cache.open(db, key);
        long i0 = System.nanoTime();
        long[] afterImportNs = {0};
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(ndjson), 1 << 16),
                1 << 16)) {
            Importer importer = new Importer(cache, fhir);
            report = importer.importStream("demo", "bench-browse", in, "bench.ndjson", progress);
            long a0 = System.nanoTime();
            importer.afterImport(report, progress); // as the app and custos import end an import
            afterImportNs[0] = System.nanoTime() - a0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long importNs = System.nanoTime() - i0;
        long c0 = System.nanoTime();
        cache.close();
        long closeNs = System.nanoTime() - c0;
        BenchSupport.GcTotals gc = BenchSupport.GcTotals.now().minus(gc0);
        check(report.counts("AuditEvent").added == events && report.quarantined() == 0,
                "fill stored " + report.counts("AuditEvent").added + ", quarantined " + report.quarantined());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", round(BenchSupport.seconds(importNs), 1));
        m.put("eventsPerSecond", round(events / BenchSupport.seconds(importNs), 0));
        m.put("closeSeconds", round(BenchSupport.seconds(closeNs), 1));
        m.put("afterImportSeconds", round(BenchSupport.seconds(afterImportNs[0]), 1));
        m.put("afterImport", report.notes());
        m.put("gcMs", gc.millis());
        m.put("note", "Importer.importStream of the gzipped NDJSON (gunzip and line parsing included), one commit "
                + "per 1,000; the rate per tenth shows whether ingest slows down as the tables grow");
        m.put("perTenth", splits);
        return m;
    }

    /**
     * Searches with no filter through the view model (first page, then every key), then scrolls: the rows at
     * {@value #SCROLL_POSITIONS} positions spread over the list, each read twice (the first read loads the page).
     */
    private static Map<String, Object> browseHeap(AuditStore store, Fhir fhir, int events) {
        long baseline = BenchSupport.usedHeapAfterGc();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxHeapMB", mb(Runtime.getRuntime().maxMemory()));
        m.put("baselineAfterGcMB", mb(baseline));
        AuditViewModel vm;
        List<Double> pageLoads = new ArrayList<>();
        double searchMs;
        long maxDuring;
        int nulls = 0;
        try (HeapSampler sampler = new HeapSampler()) {
            vm = new AuditViewModel(store, fhir, new ImmediateTaskRunner(), ZoneOffset.UTC);
            long s0 = System.nanoTime();
            vm.search();
            searchMs = ms(System.nanoTime() - s0);
            check(vm.rows().size() == events, "the view model lists " + vm.rows().size() + " rows");
            check(vm.errorProperty().get().isEmpty(), "the view model failed: " + vm.errorProperty().get());
            int size = vm.rows().size();
            for (int k = 0; k < SCROLL_POSITIONS; k++) {
                int index = (int) ((long) k * (size - 1) / (SCROLL_POSITIONS - 1));
                long p0 = System.nanoTime();
                AuditSummary first = vm.rows().get(index);
                double loadMs = ms(System.nanoTime() - p0);
                AuditSummary second = vm.rows().get(index);
                if (first == null) {
                    pageLoads.add(loadMs);
                }
                if (second == null) {
                    nulls++;
                }
            }
            sampler.close();
            maxDuring = sampler.max();
            m.put("heapSamples", sampler.samples());
        }
        check(nulls == 0, nulls + " rows were still null on the second read");
        long afterBrowse = BenchSupport.usedHeapAfterGc();
        Reference.reachabilityFence(vm);
        m.put("searchWithAllKeysMs", round(searchMs, 1));
        m.put("rows", vm.rows().size());
        m.put("scrollPositions", SCROLL_POSITIONS);
        m.put("scrollPageLoads", Stats.of(pageLoads).json());
        m.put("usedAfterBrowseGcMB", mb(afterBrowse));
        m.put("retainedByBrowseMB", mb(afterBrowse - baseline));
        m.put("maxUsedDuringBrowseMB", mb(maxDuring));
        m.put("note", "used heap of the whole benchmark JVM (HAPI context, H2 cache and the view model); max observed "
                + "is sampled every 2 ms and includes garbage not yet collected, so it depends on -Xmx and the GC");
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> warm(Map<String, Object> f) {
        return (Map<String, Object>) f.get("warm");
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        Map<String, Object> env = (Map<String, Object>) r.get("environment");
        Map<String, Object> s = (Map<String, Object>) r.get("settings");
        Map<String, Object> fill = (Map<String, Object>) r.get("fill");
        Map<String, Map<String, Object>> filters = (Map<String, Map<String, Object>>) r.get("filters");
        Map<String, Object> heap = (Map<String, Object>) r.get("heap");
        Map<String, Object> disk = (Map<String, Object>) r.get("disk");
        Map<String, Object> t = (Map<String, Object>) r.get("targets");
        StringBuilder b = new StringBuilder();
        b.append(fmt("%nBROWSE  %,d cached AuditEvents%s%n", s.get("events"),
                Boolean.TRUE.equals(s.get("encrypted")) ? ", ENCRYPTED cache" : ""));
        b.append(fmt("  %s, %s cores, load %s, %s%n", env.get("date"), env.get("cores"), env.get("loadAverage1m"),
                env.get("jvmArgs")));
        if (fill != null) {
            b.append(fmt("  fill: %,.0f events/s from .ndjson.gz (%.1f s, close %.1f s)%n", num(fill, "eventsPerSecond"),
                    num(fill, "seconds"), num(fill, "closeSeconds")));
        }
        b.append(fmt("  first page (%d rows, newest first), ms%n", PAGE));
        b.append(fmt("  %-40s %8s %8s %8s %8s %8s %9s %9s %9s %9s%n", "filter", "cold", "reopen", "warm med",
                "warm p95", "(n)", "matches", "keys ms", "count ms", "cmp med"));
        filters.forEach((k, f) -> {
            Map<String, Object> w = (Map<String, Object>) f.get("warm");
            Map<String, Object> cw = (Map<String, Object>) f.get("compactedWarm");
            b.append(fmt("  %-40s %8.1f %8.1f %8.1f %8.1f %8d %,9d %9.0f %9.0f %9.1f%n", f.get("label"),
                    num(f, "coldMs"), num(f, "coldAfterReopenMs"), num(w, "medianMs"), num(w, "p95Ms"),
                    ((Number) w.get("n")).intValue(), ((Number) f.get("matches")).longValue(), num(f, "keyScanMs"),
                    num(f, "countMs"), cw == null ? Double.NaN : num(cw, "medianMs")));
        });
        b.append("  (cold: first query after opening; reopen: after close + open; keys: all matching keys as the browser "
                + "reads them for its count; cmp med: warm median after compaction)\n");
        if (r.get("coldFirstPagesSumsMs") instanceof List<?> sums) {
            b.append(fmt("  cold first pages, the sum over the filters at each of %d openings: %s ms, median %.1f ms%n",
                    sums.size(), sums, ((Number) r.get("coldFirstPagesSumMedianMs")).doubleValue()));
        }
        Map<String, Object> loads = (Map<String, Object>) heap.get("scrollPageLoads");
        b.append(fmt("  browse (view model, %s): search + all keys %.0f ms; %d scroll positions, page load median "
                        + "%.1f ms, p95 %.1f ms%n", "max heap " + heap.get("maxHeapMB") + " MB",
                num(heap, "searchWithAllKeysMs"), ((Number) heap.get("scrollPositions")).intValue(),
                num(loads, "medianMs"), num(loads, "p95Ms")));
        b.append(fmt("  heap: baseline %.1f MB, while browsing (after GC) %.1f MB (+%.1f MB), max observed %.1f MB"
                        + " (incl. garbage)%n",
                num(heap, "baselineAfterGcMB"), num(heap, "usedAfterBrowseGcMB"), num(heap, "retainedByBrowseMB"),
                num(heap, "maxUsedDuringBrowseMB")));
        if (disk.containsKey("bytesPerEventAfterFill")) {
            b.append(fmt("  disk: after fill %.1f MB = %.0f B/event; ", mb(((Number) disk.get("fileBytesAfterFill"))
                    .longValue()), num(disk, "bytesPerEventAfterFill")));
        } else {
            b.append("  disk: ");
        }
        b.append(fmt("before compaction %.1f MB; after compaction %.1f MB = %.0f B/event (compaction %.1f s)%n",
                mb(((Number) disk.get("fileBytesBeforeCompaction")).longValue()),
                mb(((Number) disk.get("fileBytesAfterCompaction")).longValue()),
                num(disk, "bytesPerEventAfterCompaction"), num(disk, "compactSeconds")));
        Map<String, Object> verify = (Map<String, Object>) r.get("verify");
        if (verify != null) {
            b.append(fmt("  verify (custos verify of the whole cache): %.1f s, %,d rows (%,d rows/s), %s ledger entries, %s%n",
                    num(verify, "seconds"), ((Number) verify.get("rows")).longValue(),
                    ((Number) verify.get("rowsPerSecond")).longValue(), verify.get("ledgerEntries"),
                    Boolean.TRUE.equals(verify.get("intact")) ? "intact" : "NOT intact"));
        }
        b.append("  targets:\n");
        t.forEach((k, v) -> {
            Map<String, Object> m = (Map<String, Object>) v;
            b.append(fmt("    %-44s %10s  (target %s)  %s%n", k, m.get("value"), m.get("target"),
                    BenchSupport.pass((Boolean) m.get("pass"))));
        });
        return b.toString();
    }

    /** The sum of one key's cold first-page times over all the filters. */
    private static double coldSum(Map<String, Map<String, Object>> perFilter, String key) {
        return round(perFilter.values().stream().mapToDouble(m -> ((Number) m.get(key)).doubleValue()).sum(), 2);
    }
}
