package org.custos.bench;

import org.custos.cache.AlertList;
import org.custos.bench.BenchSupport.GcTotals;
import org.custos.bench.BenchSupport.HeapSampler;
import org.custos.cache.AlertList.Queue;
import org.custos.cache.Cache;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.Fhir;
import org.custos.rules.AlertEngine;
import org.custos.rules.Rule;
import org.custos.rules.RuleSettings;
import org.custos.sync.ImportReport;
import org.custos.sync.Importer;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.custos.bench.BenchSupport.fmt;
import static org.custos.bench.BenchSupport.log;
import static org.custos.bench.BenchSupport.round;

/**
 * The suspicious-access rules (issue 13, item 3: "1M events evaluated with all rules in the benchmark"), not a test.
 * {@code bench.rules} events (default 1,000,000) of the demo hospital ({@link DemoGenerator}: 50 staff, 500 patients,
 * logins with failures, reads and writes mostly by the care team, exports, break-the-glass at night) spread over
 * {@code bench.rulesDays} days (default 7: a week), in the order they were recorded ({@code bench.rulesOrder=time}, as
 * a log arrives) or in the generator's order ({@code index}: times at random, the window rules' worst case), five
 * patients on the VIP list, working hours Mon–Fri 07:00–19:00 UTC. Measured:
 * <ol>
 *   <li>the import (NDJSON through {@link Importer}, which has the rules judge what arrived when it is done) into a
 *   fresh cache with every rule off, then into another with every rule on: the two rates and their ratio (with every
 *   rule off the engine still reads each event once, for the accesses the window rules keep);</li>
 *   <li>the evaluation as events arrive: a fresh cache with every rule on gets the events stored without the
 *   importer (so nothing judges them), then {@link AlertEngine#catchUp} judges them all: events judged per second,
 *   alerts raised per rule, process CPU, GC, the most heap used;</li>
 *   <li>the same cache judged again from the first event ({@code judgeAllAgain}, then {@code catchUp}: the alerts
 *   and the accesses are there already, judging again leaves the same alerts);</li>
 * </ol>
 * and checks that the import, the evaluation and the second evaluation found the same alerts. Writes rules.json /
 * rules.txt; the generated NDJSON (target/bench/rules-*.ndjson) is kept for the next run.
 */
public final class RulesBench {
    /** Patients on the VIP list (1 in 100 of the demo hospital's). */
    static final List<String> VIPS = List.of("Patient/pat-0007", "Patient/pat-0042", "Patient/pat-0123",
            "Patient/pat-0256", "Patient/pat-0499");

    private RulesBench() {
    }

    public static void main(String[] args) {
        System.out.println(table(run(new Fhir(), BenchSupport.intProp("bench.rules", 1_000_000))));
    }

    static Map<String, Object> run(Fhir fhir, int events) {
        int days = BenchSupport.intProp("bench.rulesDays", 7);
        boolean timeOrder = !"index".equals(System.getProperty("bench.rulesOrder", "time").trim());
        Path out = BenchSupport.outDir();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("environment", BenchSupport.environment());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("events", events);
        settings.put("days", days);
        settings.put("eventsPerDay", round((double) events / days, 0));
        settings.put("order", timeOrder ? "time (as recorded)" : "index (the generator's: times at random)");
        settings.put("rules", RuleSettings.defaults(ZoneOffset.UTC).stored());
        settings.put("vips", VIPS);
        settings.put("rulesOff", "every rule disabled in the stored settings; the engine still reads each event once "
                + "after the import (the accesses the window rules keep)");
        result.put("settings", settings);

        // 1. the NDJSON (not timed; kept for the next run) and a small one for the warm-up
        DemoGenerator gen = new DemoGenerator(fhir.context(), BenchSupport.SEED, BenchSupport.END, days);
        Path ndjson = RulesSource.ensure(fhir, gen, out, events, timeOrder);
        int warmEvents = Math.max(1, Math.min(20_000, events / 5));
        Path warm = RulesSource.ensure(fhir, gen, out, warmEvents, timeOrder);
        settings.put("source", ndjson.getFileName().toString());
        settings.put("sourceBytes", BenchSupport.size(ndjson));

        Path dir = out.resolve("rules-cache");
        BenchSupport.deleteTree(dir);
        try {
            // 2. warm-up: both imports of the small file into throwaway caches
            for (boolean on : new boolean[]{false, true}) {
                Timed w = importInto(fhir, dir.resolve("warm"), warm, on, warmEvents);
                log(fmt("rules: warm-up import, rules %s: %,.0f events/s", on ? "on" : "off", w.perSecond()));
            }
            // 3. the import with every rule off, then with every rule on, each into a fresh cache
            Timed off = importInto(fhir, dir.resolve("import"), ndjson, false, events);
            log(fmt("rules: import with every rule off: %,d events in %.1f s, %,.0f events/s", events, off.seconds,
                    off.perSecond()));
            Timed on = importInto(fhir, dir.resolve("import"), ndjson, true, events);
            log(fmt("rules: import with every rule on: %,d events in %.1f s, %,.0f events/s", events, on.seconds,
                    on.perSecond()));
            BenchSupport.deleteTree(dir.resolve("import"));
            Map<String, Object> imports = new LinkedHashMap<>();
            imports.put("rulesOff", off.json());
            imports.put("rulesOn", on.json());
            imports.put("ratioOnToOff", round(on.perSecond() / off.perSecond(), 3));
            imports.put("rulesOnAlerts", on.alerts);
            result.put("import", imports);

            // 4. the events stored with nothing judging them, then judged by every rule; 5. judged again
            try (Cache cache = Cache.open(dir.resolve("judge").resolve("cache"))) {
                prepare(cache);
                RulesSource.storeWithoutRules(fhir, gen, cache, ndjson, dir.resolve("judge"), events);
                Map<String, Object> first = evaluate(cache, events, "evaluation");
                first.put("alerts", alerts(cache));
                result.put("evaluation", first);
                cache.alerts().judgeAllAgain();
                Map<String, Object> again = evaluate(cache, events, "second evaluation");
                again.put("alerts", alerts(cache));
                result.put("reevaluation", again);
                result.put("heapAfterGcMB", BenchSupport.mb(BenchSupport.usedHeapAfterGc()));
                boolean same = on.alerts.equals(first.get("alerts")) && on.alerts.equals(again.get("alerts"));
                result.put("sameAlerts", same);
                if (!same) {
                    log("rules: the alerts differ: at import " + on.alerts + ", evaluated " + first.get("alerts")
                            + ", judged again " + again.get("alerts"));
                }
            }
        } finally {
            if (!BenchSupport.boolProp("bench.keepRulesCache")) {
                BenchSupport.deleteTree(dir);
            }
        }
        BenchSupport.writeResult("rules", result, table(result));
        return result;
    }

    /** Every rule on (UTC working hours) and the VIP list, in an empty cache. */
    private static void prepare(Cache cache) {
        AlertEngine engine = new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC);
        engine.apply(RuleSettings.defaults(ZoneOffset.UTC), () -> false, n -> { });
        VIPS.forEach(v -> engine.addVip(v, "bench"));
    }

    /** An import's time and what it found. */
    private record Timed(long events, double seconds, Map<String, Long> alerts, long cacheBytes) {
        double perSecond() {
            return events / seconds;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("events", events);
            m.put("seconds", round(seconds, 2));
            m.put("eventsPerSecond", round(perSecond(), 0));
            m.put("cacheBytes", cacheBytes);
            return m;
        }
    }

    /** Imports {@code file} into a fresh cache in {@code dir} with every rule on or every rule off. */
    private static Timed importInto(Fhir fhir, Path dir, Path file, boolean rulesOn, int events) {
        BenchSupport.deleteTree(dir);
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            prepare(cache);
            if (!rulesOn) {
                RuleSettings s = RuleSettings.defaults(ZoneOffset.UTC);
                for (Rule r : Rule.values()) {
                    s = s.with(r, false);
                }
                new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC).apply(s, () -> false, n -> { });
            }
            BenchSupport.usedHeapAfterGc();
            long t0 = System.nanoTime();
            ImportReport report = new Importer(cache, fhir).importFile(file, Importer.SILENT);
            double seconds = BenchSupport.seconds(System.nanoTime() - t0);
            long added = report.counts("AuditEvent").added;
            if (added != events || report.quarantined() > 0) {
                throw new IllegalStateException("The import stored " + added + " of " + events + " events, "
                        + "quarantined " + report.quarantined() + ": " + report.problems());
            }
            if (cache.alerts().doneTo() != cache.alerts().newest()) {
                throw new IllegalStateException("The rules did not judge every event the import stored");
            }
            return new Timed(events, seconds, alerts(cache), BenchSupport.size(cache.file()));
        }
    }

    /** Every stored event judged by every rule (from the first, as the progress says), timed. */
    private static Map<String, Object> evaluate(Cache cache, int events, String what) {
        AlertEngine engine = new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC);
        if (!engine.settings().enabled().equals(Set.of(Rule.values()))) {
            throw new IllegalStateException("Not every rule is on: " + engine.settings().enabled());
        }
        BenchSupport.usedHeapAfterGc();
        long step = Math.max(10_000, events / 10L);
        long[] logged = {0};
        long t0 = System.nanoTime();
        GcTotals gc0 = GcTotals.now();
        long cpu0 = BenchSupport.processCpuNanos();
        AlertEngine.Result r;
        HeapSampler heap = new HeapSampler();
        try {
            r = engine.catchUp(() -> false, n -> {
                if (n - logged[0] >= step) {
                    logged[0] = n;
                    log(fmt("rules: %s: %,d events judged, %,.0f events/s so far", what, n,
                            n / BenchSupport.seconds(System.nanoTime() - t0)));
                }
            });
        } finally {
            heap.close();
        }
        long maxHeap = heap.max();
        double seconds = BenchSupport.seconds(System.nanoTime() - t0);
        long cpu = BenchSupport.processCpuNanos() - cpu0;
        GcTotals gc = GcTotals.now().minus(gc0);
        if (r.evaluated() != events || r.unreadable() > 0) {
            throw new IllegalStateException("The " + what + " judged " + r.evaluated() + " of " + events
                    + " events (" + r.unreadable() + " unreadable)");
        }
        log(fmt("rules: %s with every rule on: %,d events in %.1f s, %,.0f events/s", what, r.evaluated(), seconds,
                r.evaluated() / seconds));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", r.evaluated());
        m.put("seconds", round(seconds, 2));
        m.put("eventsPerSecond", round(r.evaluated() / seconds, 0));
        m.put("processCpuSeconds", cpu < 0 ? null : round(BenchSupport.seconds(cpu), 2));
        m.put("gcCount", gc.count());
        m.put("gcMs", gc.millis());
        m.put("maxHeapUsedMB", BenchSupport.mb(maxHeap));
        return m;
    }

    /** The alerts per rule, in the order of {@link Rule}. */
    private static Map<String, Long> alerts(Cache cache) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Rule r : Rule.values()) {
            m.put(r.id(), cache.alertList().count(new Queue(Set.of(r.id()), Set.of(), null, null)));
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        Map<String, Object> s = (Map<String, Object>) r.get("settings");
        Map<String, Object> imp = (Map<String, Object>) r.get("import");
        Map<String, Object> off = (Map<String, Object>) imp.get("rulesOff");
        Map<String, Object> on = (Map<String, Object>) imp.get("rulesOn");
        Map<String, Object> first = (Map<String, Object>) r.get("evaluation");
        Map<String, Object> again = (Map<String, Object>) r.get("reevaluation");
        StringBuilder t = new StringBuilder(fmt("Suspicious-access rules: %,d events over %s days (%,.0f a day), "
                + "%d VIP patients, order %s%n", ((Number) s.get("events")).longValue(), s.get("days"),
                ((Number) s.get("eventsPerDay")).doubleValue(), VIPS.size(), s.get("order")));
        evaluation(t, "judged as they arrive, every rule:", first);
        evaluation(t, "all judged again, every rule:", again);
        t.append(fmt("  %-34s %,12.0f events/s  (%s s)%n", "import, every rule off:",
                ((Number) off.get("eventsPerSecond")).doubleValue(), off.get("seconds")));
        t.append(fmt("  %-34s %,12.0f events/s  (%s s)%n", "import, every rule on:",
                ((Number) on.get("eventsPerSecond")).doubleValue(), on.get("seconds")));
        t.append(fmt("  %-34s %12s%n", "import rate, rules on / off:", imp.get("ratioOnToOff")));
        t.append("  alerts raised per rule:\n");
        ((Map<String, Long>) first.get("alerts")).forEach((rule, n) -> t.append(fmt("    %-18s %,10d%n", rule, n)));
        t.append(fmt("  same alerts at import, as they arrive and judged again: %s%n",
                BenchSupport.pass(Boolean.TRUE.equals(r.get("sameAlerts")))));
        t.append(fmt("  heap used after GC (cache open): %s MB%n", r.get("heapAfterGcMB")));
        return t.toString();
    }

    private static void evaluation(StringBuilder t, String label, Map<String, Object> m) {
        t.append(fmt("  %-34s %,12.0f events/s  (%s s, CPU %s s, GC %s ms, heap max %s MB)%n", label,
                ((Number) m.get("eventsPerSecond")).doubleValue(), m.get("seconds"), m.get("processCpuSeconds"),
                m.get("gcMs"), m.get("maxHeapUsedMB")));
    }
}
