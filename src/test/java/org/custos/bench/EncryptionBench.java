package org.custos.bench;

import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.cache.CacheKey;
import org.custos.cache.CacheKeys;
import org.custos.fhir.Fhir;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;
import org.custos.demo.DemoGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What encrypting the cache (AES-256-OCB per 1 KiB block, a random key: {@code cache.EncryptedChannel}) costs. The
 * same generated NDJSON is imported into a plain and an encrypted cache, four rounds, interleaved (plain, encrypted;
 * then encrypted, plain) so a slow minute on this shared machine hits both. Each round's pair is then reopened in
 * turn, three times each, and the browser's first pages (the browse benchmark's filters) are timed just after each
 * opening: first as the imports closed them, then after the tidy close the app does at exit (which compacts a cache
 * this size). Last, a copy of each import's cache as it was left is opened as the app's start opens one, which
 * compacts a file this much larger than what it holds first ({@link EncryptionOpened}), and the opening and the
 * first pages after it are timed. Since an import compacts the open cache at its end when it left it far larger
 * than its content ({@code CacheCompaction.afterBulkWrite}, timed as part of the import), the file an import leaves
 * is already compacted, and the later closes and openings find nothing to compact (the table shows the sizes).
 * The issue allows at most 30 % on ingest and on browse. Writes target/bench/encryption.json.
 * <p>
 * The file reads of each pass are counted (H2's): the same first pages take about 26,000 or about 35,000 reads
 * depending on what earlier openings of a file wrote and moved, plain or encrypted alike, so the time per thousand
 * reads is given beside the times.
 */
public final class EncryptionBench {
    static final int ROUNDS = 4;
    /** Reopenings of each cache of each pair per state, interleaved: 12 passes on each side. */
    static final int REOPENS = 3;

    private EncryptionBench() {
    }

    public static void main(String[] args) {
        Fhir fhir = new Fhir();
        fhir.warmUp();
        System.out.println(table(run(fhir, BenchSupport.intProp("bench.encryption", 100_000))));
    }

    /** One import: its time and the cache it left (closed). */
    record Ingest(boolean encrypted, double seconds, Path cache, CacheKey key) {
    }

    /**
     * The first pages on the cache just opened (read from the file) and the same pages again at once (the median of
     * {@link #AGAIN} times), in ms; how many reads from the file the first pages took (H2's count), and the repeats.
     */
    private record Pass(double coldMs, double againMs, long reads, long againReads) {
    }

    static Map<String, Object> run(Fhir fhir, int events) {
        DemoGenerator gen = new DemoGenerator(fhir.context(), BenchSupport.SEED, BenchSupport.END, BenchSupport.DAYS);
        Path ndjson = BrowseBench.ensureSource(gen, BenchSupport.outDir(), events);
        List<AuditFilter> filters = new ArrayList<>();
        for (BrowseBench.Case c : BrowseBench.cases(gen)) {
            if (!c.informational()) {
                filters.addAll(c.values());
            }
        }
        Path tmp = BenchSupport.outDir().resolve("encryption-tmp");
        BenchSupport.deleteTree(tmp);
        // a throwaway import of each: JIT and file-system caches
        BenchSupport.deleteTree(ingest(fhir, ndjson, tmp, false, events).cache.getParent());
        BenchSupport.deleteTree(ingest(fhir, ndjson, tmp, true, events).cache.getParent());
        List<Ingest> ingests = new ArrayList<>();
        List<Ingest[]> pairs = new ArrayList<>(); // each round's plain and encrypted cache, kept for the pages
        for (int r = 0; r < ROUNDS; r++) {
            boolean first = r % 2 == 1;
            Ingest[] pair = new Ingest[2];
            for (boolean enc : new boolean[]{first, !first}) {
                Ingest i = ingest(fhir, ndjson, tmp, enc, events);
                ingests.add(i);
                pair[enc ? 1 : 0] = i;
            }
            pairs.add(pair);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", events);
        out.put("rounds", ROUNDS);
        out.put("reopenings", REOPENS);
        out.put("browseQueries", filters.size());
        List<Double> plainIngest = ingests.stream().filter(x -> !x.encrypted).map(Ingest::seconds).toList();
        List<Double> encIngest = ingests.stream().filter(Ingest::encrypted).map(Ingest::seconds).toList();
        Map<String, Object> ingest = new LinkedHashMap<>();
        ingest.put("plainSeconds", plainIngest);
        ingest.put("encryptedSeconds", encIngest);
        ingest.put("plainEventsPerSecondMedian", BenchSupport.round(events / median(plainIngest), 0));
        ingest.put("encryptedEventsPerSecondMedian", BenchSupport.round(events / median(encIngest), 0));
        ingest.put("costRatio", IngestBench.target(median(encIngest) / median(plainIngest), "<=", 1.30));
        out.put("ingest", ingest);
        // the files as the imports left them, kept for the openings by the app (last, so that every other pass runs
        // where it ran before those were added)
        List<Ingest[]> asLeft = keep(pairs, tmp);
        // a throwaway pass on each: the query code compiled before anything is timed
        pass(pairs.get(0)[0], filters);
        pass(pairs.get(0)[1], filters);
        out.put("asImported", browse(pairs, filters));
        // the app's exit; it compacts only a file still far larger than its content (the import compacted it at its
        // end: since then it finds nothing to do here, and this state is the import's file closed once more)
        int compacted = 0;
        for (Ingest[] pair : pairs) {
            for (Ingest i : pair) {
                Cache cache = Cache.open(i.cache, i.key);
                if (cache.closeTidily()) {
                    compacted++;
                }
            }
        }
        out.put("tidyClosesThatCompacted", compacted);
        out.put("afterTidyClose", browse(pairs, filters));
        out.put("sameState", sameState(pairs.get(0)[0], tmp, filters));
        out.put("asImportedOpenedByCustos", EncryptionOpened.run(asLeft, filters, tmp, events));
        BenchSupport.deleteTree(tmp);
        out.put("environment", BenchSupport.environment());
        System.out.println("encryption: wrote " + BenchSupport.writeResult("encryption", out, table(out)));
        return out;
    }

    /** A copy of each cache of {@code pairs} (closed), in the same pairs. */
    private static List<Ingest[]> keep(List<Ingest[]> pairs, Path tmp) {
        List<Ingest[]> kept = new ArrayList<>();
        try {
            for (Ingest[] pair : pairs) {
                Ingest[] copy = new Ingest[2];
                for (int side = 0; side < 2; side++) {
                    Ingest i = pair[side];
                    Path file = Files.createDirectories(tmp.resolve("kept-" + System.nanoTime())).resolve("custos");
                    Files.copy(h2(i.cache), h2(file));
                    copy[side] = new Ingest(i.encrypted, i.seconds, file, i.key);
                }
                kept.add(copy);
            }
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        return kept;
    }

    private static Ingest ingest(Fhir fhir, Path ndjson, Path tmp, boolean encrypted, int events) {
        Path file = tmp.resolve((encrypted ? "enc-" : "plain-") + System.nanoTime()).resolve("custos");
        CacheKey key = encrypted ? CacheKey.random() : null;
        long t0 = System.nanoTime();
        try (Cache cache = Cache.open(file, key)) {
            Importer importer = new Importer(cache, fhir);
            ImportReport r = importer.importFile(ndjson, Importer.SILENT);
            importer.afterImport(r, Importer.SILENT); // as the app and custos import end an import
            if (r.counts("AuditEvent").added != events) {
                throw new IllegalStateException("imported " + r.counts("AuditEvent").added + " of " + events);
            }
        }
        double seconds = BenchSupport.seconds(System.nanoTime() - t0);
        System.out.printf(Locale.ROOT, "encryption: %s: ingest %.1f s%n", encrypted ? "encrypted" : "plain", seconds);
        return new Ingest(encrypted, seconds, file, key);
    }

    /**
     * Each pair reopened in turn (plain first, then encrypted first), {@link #REOPENS} times each: the first pages'
     * times, the same pages again, and the file reads of the first pages, whose count differs with what earlier
     * openings of a file wrote and moved (so the time per thousand reads is given too: like with like).
     */
    private static Map<String, Object> browse(List<Ingest[]> pairs, List<AuditFilter> filters) {
        List<Pass> p = new ArrayList<>();
        List<Pass> e = new ArrayList<>();
        int turn = 0;
        for (Ingest[] pair : pairs) {
            for (int r = 0; r < REOPENS; r++) {
                boolean encFirst = turn++ % 2 == 1;
                for (boolean enc : new boolean[]{encFirst, !encFirst}) {
                    (enc ? e : p).add(pass(pair[enc ? 1 : 0], filters));
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plainFileMB", BenchSupport.round(BenchSupport.mb(BenchSupport.size(file(pairs.get(0)[0]))), 1));
        m.put("encryptedFileMB", BenchSupport.round(BenchSupport.mb(BenchSupport.size(file(pairs.get(0)[1]))), 1));
        for (boolean enc : new boolean[]{false, true}) {
            List<Pass> passes = enc ? e : p;
            String side = enc ? "encrypted" : "plain";
            m.put(side + "FirstPagesMs", passes.stream().map(x -> BenchSupport.round(x.coldMs, 1)).toList());
            m.put(side + "FirstPagesReads", passes.stream().map(Pass::reads).toList());
            m.put(side + "FirstPagesMsMedian", BenchSupport.round(median(passes.stream().map(Pass::coldMs).toList()),
                    1));
            m.put(side + "FirstPagesMsRange", List.of(BenchSupport.round(passes.stream().mapToDouble(Pass::coldMs).min()
                    .orElse(0), 1), BenchSupport.round(passes.stream().mapToDouble(Pass::coldMs).max().orElse(0), 1)));
            m.put(side + "MsPer1000ReadsMedian", BenchSupport.round(perThousandReads(passes), 2));
            m.put(side + "AgainMsMedian", BenchSupport.round(median(passes.stream().map(Pass::againMs).toList()), 1));
            m.put(side + "AgainReadsMax", passes.stream().mapToLong(Pass::againReads).max().orElse(0));
        }
        m.put("firstPagesCostRatio", IngestBench.target(median(e.stream().map(Pass::coldMs).toList())
                / median(p.stream().map(Pass::coldMs).toList()), "<=", 1.30));
        m.put("perReadCostRatio", BenchSupport.round(perThousandReads(e) / perThousandReads(p), 3));
        m.put("againCostRatio", IngestBench.target(median(e.stream().map(Pass::againMs).toList())
                / median(p.stream().map(Pass::againMs).toList()), "<=", 1.30));
        return m;
    }

    /** How many times each side of the same-state comparison is opened. */
    private static final int SAME_STATE_PASSES = 12;

    /**
     * Like with like: one imported cache written twice by the same compaction, plain and encrypted (what "Encrypt the
     * cache" writes), so both files hold the same pages in the same places. Each pass opens a fresh copy of one of
     * them (alternating which goes first), so no opening changes what the next one reads; the first pages' reads
     * must then be the same on both sides, and the time is all that differs.
     */
    private static Map<String, Object> sameState(Ingest source, Path tmp, List<AuditFilter> filters) {
        try {
            Path plain = Files.createDirectories(tmp.resolve("same-plain")).resolve("custos");
            Path enc = Files.createDirectories(tmp.resolve("same-encrypted")).resolve("custos");
            CacheKey key = CacheKey.random();
            CacheKeys.copyCompacted(source.cache, source.key, plain, null);
            CacheKeys.copyCompacted(source.cache, source.key, enc, key);
            List<Pass> p = new ArrayList<>();
            List<Pass> e = new ArrayList<>();
            List<Double> pairRatios = new ArrayList<>();
            for (int r = 0; r < SAME_STATE_PASSES; r++) {
                boolean encFirst = r % 2 == 1;
                Pass[] pair = new Pass[2];
                for (boolean isEnc : new boolean[]{encFirst, !encFirst}) {
                    Path work = Files.createDirectories(tmp.resolve("same-work-" + System.nanoTime()))
                            .resolve("custos");
                    Files.copy(h2(isEnc ? enc : plain), h2(work));
                    pair[isEnc ? 1 : 0] = pass(new Ingest(isEnc, 0, work, isEnc ? key : null), filters);
                    BenchSupport.deleteTree(work.getParent());
                }
                p.add(pair[0]);
                e.add(pair[1]);
                pairRatios.add(pair[1].coldMs / pair[0].coldMs);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("passes", SAME_STATE_PASSES);
            m.put("plainFileMB", BenchSupport.round(BenchSupport.mb(BenchSupport.size(h2(plain))), 1));
            m.put("encryptedFileMB", BenchSupport.round(BenchSupport.mb(BenchSupport.size(h2(enc))), 1));
            m.put("plainFirstPagesMs", p.stream().map(x -> BenchSupport.round(x.coldMs, 1)).toList());
            m.put("encryptedFirstPagesMs", e.stream().map(x -> BenchSupport.round(x.coldMs, 1)).toList());
            m.put("plainFirstPagesReads", p.stream().map(Pass::reads).toList());
            m.put("encryptedFirstPagesReads", e.stream().map(Pass::reads).toList());
            m.put("againReadsMax", java.util.stream.Stream.concat(p.stream(), e.stream()).mapToLong(Pass::againReads)
                    .max().orElse(0));
            m.put("plainFirstPagesMsMedian", BenchSupport.round(median(p.stream().map(Pass::coldMs).toList()), 1));
            m.put("encryptedFirstPagesMsMedian", BenchSupport.round(median(e.stream().map(Pass::coldMs).toList()),
                    1));
            m.put("pairRatios", pairRatios.stream().map(x -> BenchSupport.round(x, 3)).toList());
            m.put("pairRatioMedian", BenchSupport.round(median(pairRatios), 3));
            m.put("pairsOverLimit", pairRatios.stream().filter(x -> x > 1.30).count());
            m.put("firstPagesCostRatio", IngestBench.target(median(e.stream().map(Pass::coldMs).toList())
                    / median(p.stream().map(Pass::coldMs).toList()), "<=", 1.30));
            m.put("againCostRatio", IngestBench.target(median(e.stream().map(Pass::againMs).toList())
                    / median(p.stream().map(Pass::againMs).toList()), "<=", 1.30));
            return m;
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    static Path h2(Path cache) {
        return cache.resolveSibling(cache.getFileName() + ".mv.db");
    }

    /** The median of the first pages' time per thousand file reads. */
    private static double perThousandReads(List<Pass> passes) {
        return median(passes.stream().filter(x -> x.reads > 0).map(x -> x.coldMs * 1000 / x.reads).toList());
    }

    private static Path file(Ingest i) {
        return h2(i.cache);
    }

    /** How many times the same pages are read again after the first, on the open cache. */
    private static final int AGAIN = 3;

    private static Pass pass(Ingest i, List<AuditFilter> filters) {
        try (Cache cache = Cache.open(i.cache, i.key)) {
            long reads0 = cache.fileReads();
            BenchSupport.GcTotals gc0 = BenchSupport.GcTotals.now();
            long b0 = System.nanoTime();
            int rows = firstPages(cache, filters);
            double cold = BenchSupport.ms(System.nanoTime() - b0);
            long gc = BenchSupport.GcTotals.now().minus(gc0).millis();
            long reads = cache.fileReads() - reads0;
            if (reads0 < 0 || reads <= 0) {
                throw new IllegalStateException("H2 did not say how many reads the first pages took");
            }
            List<Double> repeats = new ArrayList<>();
            for (int a = 0; a < AGAIN; a++) {
                long w0 = System.nanoTime();
                rows += firstPages(cache, filters);
                repeats.add(BenchSupport.ms(System.nanoTime() - w0));
            }
            double again = median(repeats);
            long againReads = cache.fileReads() - reads0 - reads;
            if (rows == 0) {
                throw new IllegalStateException("the browse queries found nothing");
            }
            System.out.printf(Locale.ROOT, "encryption: %s: first pages %.0f ms (%d ms of it collecting garbage), %d "
                    + "file reads (again: %.0f ms, %d reads)%n", i.encrypted ? "encrypted" : "plain", cold, gc, reads,
                    again, againReads);
            return new Pass(cold, again, reads, againReads);
        }
    }

    /** The browser's first pages (100 rows) for each filter, as every pass times them; the rows found. */
    static int firstPages(Cache cache, List<AuditFilter> filters) {
        int rows = 0;
        for (AuditFilter f : filters) {
            rows += cache.audit().page(f, null, false, 100).size();
        }
        return rows;
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String table(Map<String, Object> r) {
        @SuppressWarnings("unchecked")
        Map<String, Object> in = (Map<String, Object>) r.get("ingest");
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Encrypted cache (AES-256-OCB, 1 KiB blocks), "
                + "%s events; ingest: %s rounds each, first pages: %s pairs, %s reopenings of each (medians)%n"
                + "                                  plain    encrypted   ratio (limit 1.30)%n"
                + "ingest (events/s)              %8s     %8s    %s%n", r.get("events"), r.get("rounds"),
                r.get("rounds"), r.get("reopenings"), in.get("plainEventsPerSecondMedian"), in.get("encryptedEventsPerSecondMedian"),
                ((Map<?, ?>) in.get("costRatio")).get("value")));
        for (String state : List.of("asImported", "afterTidyClose")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) r.get(state);
            String label = state.equals("asImported") ? "as imported" : "after tidy close";
            b.append(String.format(Locale.ROOT, "first pages, %-17s (ms) %8s     %8s    %s   (%s MB / %s MB)%n"
                            + "  range                    (ms) %17s %17s%n"
                            + "  per 1,000 file reads     (ms) %8s     %8s    %s%n"
                            + "  the same again           (ms) %8s     %8s    %s   (file reads: %s / %s at most)%n", label,
                    m.get("plainFirstPagesMsMedian"), m.get("encryptedFirstPagesMsMedian"),
                    ((Map<?, ?>) m.get("firstPagesCostRatio")).get("value"), m.get("plainFileMB"),
                    m.get("encryptedFileMB"), range(m.get("plainFirstPagesMsRange")),
                    range(m.get("encryptedFirstPagesMsRange")), m.get("plainMsPer1000ReadsMedian"),
                    m.get("encryptedMsPer1000ReadsMedian"), m.get("perReadCostRatio"),
                    m.get("plainAgainMsMedian"), m.get("encryptedAgainMsMedian"),
                    ((Map<?, ?>) m.get("againCostRatio")).get("value"), m.get("plainAgainReadsMax"),
                    m.get("encryptedAgainReadsMax")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) r.get("asImportedOpenedByCustos");
        if (o != null) {
            b.append(String.format(Locale.ROOT, "as imported, opened by Custos (which compacts it first if it is worth it):%n"
                            + "  opening                  (ms) %8s     %8s    %s%n"
                            + "  then the first pages     (ms) %8s     %8s    %s%n"
                            + "  opening + first pages    (ms) %8s     %8s    %s%n",
                    o.get("plainOpenMsMedian"), o.get("encryptedOpenMsMedian"),
                    ((Map<?, ?>) o.get("openCostRatio")).get("value"), o.get("plainFirstPagesMsMedian"),
                    o.get("encryptedFirstPagesMsMedian"), ((Map<?, ?>) o.get("firstPagesCostRatio")).get("value"),
                    o.get("plainOpenAndFirstPagesMsMedian"), o.get("encryptedOpenAndFirstPagesMsMedian"),
                    ((Map<?, ?>) o.get("openAndFirstPagesCostRatio")).get("value")));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> same = (Map<String, Object>) r.get("sameState");
        if (same != null) {
            b.append(String.format(Locale.ROOT, "first pages, same state (ms)   %8s     %8s    %s   (%s passes; "
                            + "median of pair ratios %s, %s of them over 1.30)%n"
                            + "  the same again           (ms)                          %s   (file reads: %s at most)%n",
                    same.get("plainFirstPagesMsMedian"), same.get("encryptedFirstPagesMsMedian"),
                    ((Map<?, ?>) same.get("firstPagesCostRatio")).get("value"), same.get("passes"),
                    same.get("pairRatioMedian"), same.get("pairsOverLimit"),
                    ((Map<?, ?>) same.get("againCostRatio")).get("value"), same.get("againReadsMax")));
        }
        return b.toString();
    }

    private static String range(Object minMax) {
        List<?> l = (List<?>) minMax;
        return l.get(0) + "–" + l.get(1);
    }
}
