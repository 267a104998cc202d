package org.custos.bench;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.AuditExtractor;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.IncomingResource;
import org.custos.cache.Origins;
import org.custos.demo.DemoGenerator;
import org.custos.fhir.Fhir;
import org.custos.sync.Importer;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Resource;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.custos.bench.BenchSupport.fmt;
import static org.custos.bench.BenchSupport.log;

/** The events of {@link RulesBench}: the demo hospital's NDJSON (written once, reused), and a fill without the rules. */
final class RulesSource {
    /** The index's bits in a sort key (time, index): up to 4,194,304 events. */
    private static final int INDEX_BITS = 22;
    /** Events per stored batch, as the importer stores them ({@code Importer.BATCH}). */
    private static final int BATCH = 1000;

    private RulesSource() {
    }

    /**
     * The NDJSON of the directory and the first {@code events} events of {@code gen}, in the order they were recorded
     * (ties by index) or in the generator's order; written once, then reused.
     */
    static Path ensure(Fhir fhir, DemoGenerator gen, Path out, int events, boolean timeOrder) {
        Path ndjson = out.resolve("rules-" + gen.seed() + "-" + gen.days() + "d-" + events
                + (timeOrder ? "-time" : "-index") + ".ndjson");
        if (Files.exists(ndjson)) {
            return ndjson;
        }
        log(fmt("rules: writing %,d events over %d days (%s order) to %s (once; later runs reuse it)", events,
                gen.days(), timeOrder ? "time" : "index", ndjson.getFileName()));
        long w0 = System.nanoTime();
        Path part = ndjson.resolveSibling("partial-" + ndjson.getFileName());
        try {
            if (timeOrder) {
                writeInTimeOrder(fhir, gen, part, events);
            } else {
                gen.write(part, events);
            }
            Files.move(part, ndjson, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log(fmt("rules: wrote %s in %.0f s", ndjson.getFileName(), BenchSupport.seconds(System.nanoTime() - w0)));
        return ndjson;
    }

    /** Each event is a function of its index: their times first, then the events again in that order. */
    private static void writeInTimeOrder(Fhir fhir, DemoGenerator gen, Path file, int events) throws IOException {
        if (events >= 1 << INDEX_BITS) {
            throw new IllegalArgumentException("At most " + ((1 << INDEX_BITS) - 1) + " events in time order");
        }
        long start = gen.end().toEpochMilli() - gen.days() * 86_400_000L;
        long[] keys = new long[events];
        for (int from = 0; from < events; from += 1000) {
            List<AuditEvent> chunk = gen.events(from, Math.min(1000, events - from));
            for (int i = 0; i < chunk.size(); i++) {
                long t = chunk.get(i).getRecorded().getTime() - start;
                keys[from + i] = (t << INDEX_BITS) | (from + i);
            }
        }
        Arrays.sort(keys);
        IParser parser = fhir.context().newJsonParser().setPrettyPrint(false);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Resource r : gen.directory()) {
                w.write(parser.encodeResourceToString(r));
                w.write('\n');
            }
            for (long key : keys) {
                w.write(parser.encodeResourceToString(gen.events((int) (key & ((1 << INDEX_BITS) - 1)), 1).get(0)));
                w.write('\n');
            }
        }
    }

    /**
     * Stores the directory (through the importer: no event to judge) and the events of {@code ndjson} (straight into
     * the cache, as the importer stores them, in batches of 1,000 as the importer does) so that no evaluation has read
     * them yet. Not timed.
     */
    static void storeWithoutRules(Fhir fhir, DemoGenerator gen, Cache cache, Path ndjson, Path work, int events) {
        long t0 = System.nanoTime();
        ObjectMapper json = new ObjectMapper();
        try {
            Path people = work.resolve("directory.ndjson");
            IParser parser = fhir.context().newJsonParser().setPrettyPrint(false);
            try (BufferedWriter w = Files.newBufferedWriter(people, StandardCharsets.UTF_8)) {
                for (Resource r : gen.directory()) {
                    w.write(parser.encodeResourceToString(r));
                    w.write('\n');
                }
            }
            new Importer(cache, fhir).importFile(people, Importer.SILENT);
            int origin = cache.origins().idOf(Origins.FILES);
            List<AuditStore.Item> batch = new ArrayList<>(BATCH);
            int line = 0;
            try (BufferedReader r = Files.newBufferedReader(ndjson, StandardCharsets.UTF_8)) {
                for (String s; (s = r.readLine()) != null; ) {
                    line++;
                    JsonNode tree = json.readTree(s);
                    if (!"AuditEvent".equals(tree.path("resourceType").asText())) {
                        continue;
                    }
                    batch.add(new AuditStore.Item(IncomingResource.of((ObjectNode) tree, null, ndjson + " line "
                            + line), AuditExtractor.extract(tree)));
                    if (batch.size() == BATCH) {
                        cache.audit().upsert(origin, AuditStore.batch(origin, batch));
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                cache.audit().upsert(origin, AuditStore.batch(origin, batch));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long stored = cache.audit().count(AuditFilter.ALL, Long.MAX_VALUE);
        if (stored != events || cache.alerts().doneTo() != 0) {
            throw new IllegalStateException("Stored " + stored + " of " + events + " events; judged up to "
                    + cache.alerts().doneTo());
        }
        log(fmt("rules: %,d events stored with nothing judging them in %.1f s", events,
                BenchSupport.seconds(System.nanoTime() - t0)));
    }
}
