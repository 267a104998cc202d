package org.custos.bench;

import org.custos.demo.DemoGenerator;
import org.custos.fhir.Fhir;

import java.util.Map;

import static org.custos.bench.BenchSupport.log;

/**
 * Runs the ingest and the browse benchmark in one JVM (one {@link Fhir}) and prints their tables; not a test.
 * {@code mvn -Pbench -DskipTests verify} runs it with a fixed heap. System properties:
 * {@code bench.ingest} (events, default 100,000; 0 skips), {@code bench.browse} (events, default 1,000,000; 0 skips),
 * {@code bench.reuseCache} (reuse the filled browse cache of an earlier run), {@code bench.browseEncrypted} (the browse
 * benchmark on an encrypted cache, filled afresh), {@code bench.prepare} (only write the
 * generated NDJSON the browse benchmark reads, then stop), {@code bench.out} (target/bench) and
 * {@code bench.tag} (suffix of the result files), {@code bench.sync} (events synced from the local HAPI server,
 * default 100,000 in the bench profile; 0 skips), {@code bench.consents} / {@code bench.people} (the Consent list and
 * people directory benchmark, {@link ConsentBench}: 100,000 each in the bench profile; 0 skips), {@code bench.check}
 * (events of one patient checked against consent, {@link CheckBench}: 1,000,000 in the bench profile; 0 skips),
 * {@code bench.provenance} (the Provenance list, {@link ProvenanceBench}: 100,000 Provenance in the bench profile; 0
 * skips), {@code bench.rules} (events judged by the suspicious-access rules, {@link RulesBench}: 1,000,000 in the
 * bench profile; 0 skips), {@code bench.encryption} (events imported and browsed in a plain and an encrypted cache,
 * {@link EncryptionBench}: 100,000 in the bench profile; 0 skips), {@code bench.coldJvms} (JVMs, each timing the
 * cold first pages of a plain and an encrypted cache of {@code bench.coldEvents} events in turn, {@link ColdPairsBench}: 0 skips, the
 * default). Each benchmark writes {@code <name>.json} and its table as
 * {@code <name>.txt} under target/bench.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        int ingestEvents = BenchSupport.intProp("bench.ingest", 100_000);
        int browseEvents = BenchSupport.intProp("bench.browse", 1_000_000);
        long t0 = System.nanoTime();
        log("Custos benchmark: ingest " + ingestEvents + ", browse " + browseEvents + " events; out "
                + BenchSupport.outDir());
        Fhir fhir = new Fhir();
        fhir.warmUp();
        if (BenchSupport.boolProp("bench.prepare")) {
            // only write the generated NDJSON the browse benchmark reads (a one-off that takes minutes at 1M)
            BrowseBench.ensureSource(new DemoGenerator(fhir.context(), BenchSupport.SEED, BenchSupport.END,
                    BenchSupport.DAYS), BenchSupport.outDir(), browseEvents);
            return;
        }
        if (ingestEvents > 0) {
            Map<String, Object> ingest = IngestBench.run(fhir, ingestEvents);
            System.out.println(IngestBench.table(ingest));
            BenchSupport.usedHeapAfterGc();
        }
        if (browseEvents > 0) {
            Map<String, Object> browse = BrowseBench.run(fhir, browseEvents);
            System.out.println(BrowseBench.table(browse));
        }
        int consents = BenchSupport.intProp("bench.consents", 0);
        if (consents > 0) {
            System.out.println(ConsentBench.table(ConsentBench.run(consents, BenchSupport.intProp("bench.people",
                    consents))));
        }
        int encryption = BenchSupport.intProp("bench.encryption", 0);
        if (encryption > 0) {
            System.out.println(EncryptionBench.table(EncryptionBench.run(fhir, encryption)));
        }
        int coldJvms = BenchSupport.intProp("bench.coldJvms", 0);
        if (coldJvms > 0) {
            System.out.println(ColdPairsBench.table(ColdPairsBench.run(BenchSupport.intProp("bench.coldEvents",
                    1_000_000), coldJvms)));
        }
        int provenance = BenchSupport.intProp("bench.provenance", 0);
        if (provenance > 0) {
            System.out.println(ProvenanceBench.table(ProvenanceBench.run(fhir, provenance)));
        }
        int checkEvents = BenchSupport.intProp("bench.check", 0);
        if (checkEvents > 0) {
            System.out.println(CheckBench.table(CheckBench.run(checkEvents)));
        }
        int rulesEvents = BenchSupport.intProp("bench.rules", 0);
        if (rulesEvents > 0) {
            System.out.println(RulesBench.table(RulesBench.run(fhir, rulesEvents)));
            BenchSupport.usedHeapAfterGc();
        }
        int syncEvents = BenchSupport.intProp("bench.sync", 0);
        if (syncEvents > 0) {
            System.out.println(SyncBench.table(SyncBench.run(syncEvents)));
        }
        System.out.print(BenchSupport.fmt("%nbenchmark run took %.1f s%n", BenchSupport.seconds(System.nanoTime() - t0)));
    }
}
