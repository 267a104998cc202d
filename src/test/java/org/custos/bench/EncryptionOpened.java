package org.custos.bench;

import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.cache.CacheCompaction;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Part of {@link EncryptionBench}: the caches as the imports left them (far larger than what they hold), opened as
 * Custos opens a cache, which compacts such a file first ({@link CacheCompaction}); the opening and the first pages
 * after it are timed, plain against encrypted.
 */
final class EncryptionOpened {
    private EncryptionOpened() {
    }

    /** The opening (with its compaction) and the first pages after it, as Custos opens a cache. */
    private record Opened(double openMs, double pagesMs, long reads, long gcMs, double threadCpuMs,
                          double processCpuMs, long writes) {
    }

    /**
     * The caches as imported, opened as the app's start opens them ({@link CacheCompaction}: such a file is
     * compacted first), then the first pages: each pair {@link EncryptionBench#REOPENS} times, alternating which side
     * goes first, each time on a fresh copy of the file as the import left it ({@code pairs}: copies kept of those
     * files, not changed here).
     */
    static Map<String, Object> run(List<EncryptionBench.Ingest[]> pairs, List<AuditFilter> filters, Path tmp,
                                   int events) {
        openedPass(pairs.get(0)[0], filters, tmp, events); // throwaway: the compaction and query code compiled first
        openedPass(pairs.get(0)[1], filters, tmp, events);
        List<Opened> p = new ArrayList<>();
        List<Opened> e = new ArrayList<>();
        int turn = 0;
        for (EncryptionBench.Ingest[] pair : pairs) {
            for (int r = 0; r < EncryptionBench.REOPENS; r++) {
                boolean encFirst = turn++ % 2 == 1;
                for (boolean enc : new boolean[]{encFirst, !encFirst}) {
                    (enc ? e : p).add(openedPass(pair[enc ? 1 : 0], filters, tmp, events));
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (boolean enc : new boolean[]{false, true}) {
            List<Opened> o = enc ? e : p;
            String side = enc ? "encrypted" : "plain";
            m.put(side + "OpenMs", o.stream().map(x -> BenchSupport.round(x.openMs, 1)).toList());
            m.put(side + "FirstPagesMs", o.stream().map(x -> BenchSupport.round(x.pagesMs, 1)).toList());
            m.put(side + "FirstPagesReads", o.stream().map(Opened::reads).toList());
            // where a slow first pages' time went: this thread's CPU, the whole process's (H2's and the JVM's other
            // threads too), and the collectors' pauses
            m.put(side + "FirstPagesThreadCpuMs", o.stream().map(x -> BenchSupport.round(x.threadCpuMs, 1)).toList());
            m.put(side + "FirstPagesProcessCpuMs", o.stream().map(x -> BenchSupport.round(x.processCpuMs, 1)).toList());
            m.put(side + "FirstPagesGcMs", o.stream().map(Opened::gcMs).toList());
            // H2's writes during the first pages: its background writer storing what the opening changed (the
            // opening stores that itself since series 10), or H2's own clean-up of old chunks
            m.put(side + "FirstPagesWrites", o.stream().map(Opened::writes).toList());
            m.put(side + "OpenMsMedian", BenchSupport.round(EncryptionBench.median(o.stream().map(Opened::openMs).toList()), 1));
            m.put(side + "FirstPagesMsMedian", BenchSupport.round(EncryptionBench.median(o.stream().map(Opened::pagesMs).toList()),
                    1));
            m.put(side + "OpenAndFirstPagesMsMedian", BenchSupport.round(EncryptionBench.median(o.stream()
                    .map(x -> x.openMs + x.pagesMs).toList()), 1));
        }
        m.put("openCostRatio", IngestBench.target(EncryptionBench.median(e.stream().map(Opened::openMs).toList())
                / EncryptionBench.median(p.stream().map(Opened::openMs).toList()), "<=", 1.30));
        m.put("firstPagesCostRatio", IngestBench.target(EncryptionBench.median(e.stream().map(Opened::pagesMs).toList())
                / EncryptionBench.median(p.stream().map(Opened::pagesMs).toList()), "<=", 1.30));
        m.put("openAndFirstPagesCostRatio", IngestBench.target(EncryptionBench.median(e.stream().map(x -> x.openMs + x.pagesMs)
                .toList()) / EncryptionBench.median(p.stream().map(x -> x.openMs + x.pagesMs).toList()), "<=", 1.30));
        return m;
    }

    private static Opened openedPass(EncryptionBench.Ingest i, List<AuditFilter> filters, Path tmp,
                                     int events) {
        try {
            Path work = Files.createDirectories(tmp.resolve("opened-" + System.nanoTime())).resolve("custos");
            Files.copy(EncryptionBench.h2(i.cache()), EncryptionBench.h2(work));
            List<String> said = new ArrayList<>();
            long t0 = System.nanoTime();
            try (Cache cache = CacheCompaction.open(work, i.key(), said::add)) {
                double open = BenchSupport.ms(System.nanoTime() - t0);
                boolean compacted = !said.isEmpty(); // not since the import compacts at its end
                long reads0 = cache.fileReads();
                long writes0 = cache.fileWrites();
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                BenchSupport.GcTotals gc0 = BenchSupport.GcTotals.now();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long proc0 = BenchSupport.processCpuNanos();
                long b0 = System.nanoTime();
                int rows = EncryptionBench.firstPages(cache, filters);
                double pages = BenchSupport.ms(System.nanoTime() - b0);
                long gc = BenchSupport.GcTotals.now().minus(gc0).millis();
                long cpu1 = threads.getCurrentThreadCpuTime();
                long proc1 = BenchSupport.processCpuNanos();
                // -1: the JVM does not say (the process's CPU time comes in steps of 10 ms here)
                double cpu = cpu0 < 0 || cpu1 < 0 ? -1 : BenchSupport.ms(cpu1 - cpu0);
                double proc = proc0 < 0 || proc1 < 0 ? -1 : BenchSupport.ms(proc1 - proc0);
                long reads = cache.fileReads() - reads0;
                long writes1 = cache.fileWrites();
                if (writes0 < 0 || writes1 < 0) {
                    throw new IllegalStateException("H2 did not say how many writes the first pages saw");
                }
                long writes = writes1 - writes0;
                long held = cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE);
                if (held != events) {
                    throw new IllegalStateException("the compacted cache holds " + held + " events of " + events);
                }
                if (rows == 0 || reads <= 0) {
                    throw new IllegalStateException("the browse queries found nothing, or H2 counted no reads");
                }
                System.out.printf(Locale.ROOT, "encryption: %s, opened by Custos: opening %.0f ms (%s), "
                        + "first pages %.0f ms (this thread's CPU %.0f ms, the process's %.0f ms, collecting "
                        + "garbage %d ms), %d file reads, %d writes%n", i.encrypted() ? "encrypted" : "plain", open,
                        compacted ? "compacted" : "nothing to compact", pages, cpu, proc, gc, reads, writes);
                BenchSupport.deleteTree(work.getParent());
                return new Opened(open, pages, reads, gc, cpu, proc, writes);
            }
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }
}
