package org.custos.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.AuditExtractor;
import org.custos.cache.AuditStore;
import org.custos.cache.Cache;
import org.custos.cache.IncomingResource;
import org.custos.consent.CheckData;
import org.custos.consent.ConsentCheck;
import org.custos.consent.ConsentCheck.Counts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.custos.bench.BenchSupport.fmt;
import static org.custos.bench.BenchSupport.log;

/**
 * Past access against consent ({@link ConsentCheck}): {@code bench.check} events (default 1,000,000) of one patient
 * checked against a copy of consent-example-Emergency for that patient, as a log holds them: 98 in 100 permitted
 * (the hospital for ETREAT, by 50 users), one denied and one undecidable. Then a patient with
 * {@code bench.checkHeavy} events (default 200,000) of which three in four are listed (the events cycle through a
 * permitted, a denied, an undecidable (no purpose) and an undecidable (no custodian among the agents) one): the
 * listing rate. Then every patient's events ({@code bench.checkPatients} more patients, default 100, with
 * {@code bench.checkEach} events each, default 1,000, cycling the same way, and a consent each). Writes check.json /
 * check.txt.
 */
public final class CheckBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckBench() {
    }

    public static void main(String[] args) {
        System.out.println(table(run(BenchSupport.intProp("bench.check", 1_000_000))));
    }

    static Map<String, Object> run(int events) {
        int patients = BenchSupport.intProp("bench.checkPatients", 100);
        int each = BenchSupport.intProp("bench.checkEach", 1000);
        Path dir = BenchSupport.outDir().resolve("check-cache");
        BenchSupport.deleteTree(dir);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("environment", BenchSupport.environment());
        result.put("settings", Map.of("events", events, "otherPatients", patients, "eventsEach", each));
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            int origin = cache.origins().idOf("files");
            String emergency = Files.readString(Path.of("src/test/resources/examples/stu3/consent/"
                    + "Consent-consent-example-Emergency.json"));
            long t0 = System.nanoTime();
            List<IncomingResource> consents = new ArrayList<>();
            consents.add(consent(emergency, "big"));
            consents.add(consent(emergency, "heavy"));
            for (int p = 0; p < patients; p++) {
                consents.add(consent(emergency, "p" + p));
            }
            cache.resources().upsert(origin, consents);
            int heavy = BenchSupport.intProp("bench.checkHeavy", 200_000);
            fill(cache, origin, "Patient/big", "b", events, true);
            fill(cache, origin, "Patient/heavy", "h", heavy, false);
            for (int p = 0; p < patients; p++) {
                fill(cache, origin, "Patient/p" + p, "p" + p + "-", each, false);
            }
            long t1 = System.nanoTime();
            log(fmt("check: %,d events stored in %.1f s", events + heavy + patients * each, BenchSupport.seconds(t1 - t0)));
            // what an import or a sync does when done: the day counts of the large patients it wrote
            int prepared = cache.patientAccess().prepare();
            double prepareSec = BenchSupport.seconds(System.nanoTime() - t1);
            log(fmt("check: day counts of %d large patient(s) built after the writes in %.2f s", prepared, prepareSec));
            result.put("prepareAfterImport", Map.of("patients", prepared, "seconds", BenchSupport.round(prepareSec, 2)));

            ConsentCheck check = new ConsentCheck(cache);
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                long[] found = new long[1];
                long s = System.nanoTime();
                Counts c = check.check("Patient/big", null, null, null, () -> false, f -> found[0]++);
                double sec = BenchSupport.seconds(System.nanoTime() - s);
                log(fmt("check: one patient, %,d events in %.2f s (%,.0f events/s): %s", c.checked(), sec,
                        c.checked() / sec, c));
                runs.add(Map.of("seconds", BenchSupport.round(sec, 2), "eventsPerSecond",
                        BenchSupport.round(c.checked() / sec, 0), "checked", c.checked(), "denied", c.denied(),
                        "undecidable", c.undecidable(), "permitted", c.permitted()));
            }
            result.put("onePatient", runs);
            List<Map<String, Object>> heavyRuns = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                long[] found = new long[1];
                long s = System.nanoTime();
                Counts c = check.check("Patient/heavy", null, null, null, () -> false, f -> found[0]++);
                double sec = BenchSupport.seconds(System.nanoTime() - s);
                log(fmt("check: one patient, %,d events, %,d listed in %.2f s (%,.0f listed/s)", c.checked(),
                        found[0], sec, found[0] / sec));
                heavyRuns.add(Map.of("seconds", BenchSupport.round(sec, 2), "checked", c.checked(), "listed",
                        found[0], "listedPerSecond", BenchSupport.round(found[0] / sec, 0)));
            }
            result.put("manyListed", heavyRuns);
            long s = System.nanoTime();
            Counts all = check.checkAll(null, null, null, () -> false, f -> { });
            double sec = BenchSupport.seconds(System.nanoTime() - s);
            log(fmt("check: all %d patients, %,d events in %.2f s (%,.0f events/s)", patients + 1, all.checked(), sec,
                    all.checked() / sec));
            result.put("allPatients", Map.of("patients", patients + 1, "checked", all.checked(), "seconds",
                    BenchSupport.round(sec, 2), "eventsPerSecond", BenchSupport.round(all.checked() / sec, 0)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BenchSupport.writeResult("check", result, table(result));
        return result;
    }

    private static IncomingResource consent(String emergency, String patient) {
        String json = emergency.replace("\"Patient/f001\"", "\"Patient/" + patient + "\"")
                .replace("\"id\": \"consent-example-Emergency\"", "\"id\": \"consent-" + patient + "\"");
        return IncomingResource.fromJson(json, "bench");
    }

    private static void fill(Cache cache, int origin, String patient, String prefix, int n, boolean asALog)
            throws IOException {
        long start = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
        List<AuditStore.Item> batch = new ArrayList<>(1000);
        for (int i = 0; i < n; i++) {
            String agent = asALog ? switch (i % 100) {
                case 0 -> CheckData.HOSPITAL + "|CST|TREAT";
                case 1 -> CheckData.HOSPITAL + "|CST|";
                default -> CheckData.HOSPITAL + "|CST|ETREAT";
            } : switch (i % 4) {
                case 0 -> CheckData.HOSPITAL + "|CST|ETREAT";
                case 1 -> CheckData.HOSPITAL + "|CST|TREAT";
                case 2 -> CheckData.HOSPITAL + "|CST|";
                default -> "Practitioner/d" + (i % 50) + "||TREAT";
            };
            String json = CheckData.event(prefix + i, Instant.ofEpochMilli(start + i * 1000L).toString(), "R",
                    patient, "Observation/o" + (i % 1000), List.of(agent, asALog ? "Practitioner/u" + (i % 50) + "||" : "Device/ehr||"), null, "N");
            ObjectNode tree = (ObjectNode) JSON.readTree(json);
            batch.add(new AuditStore.Item(IncomingResource.of(tree, null, "bench"), AuditExtractor.extract(tree)));
            if (batch.size() == 1000) {
                cache.audit().upsert(origin, batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            cache.audit().upsert(origin, batch);
        }
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        StringBuilder t = new StringBuilder("Past access against consent\n");
        for (Map<String, Object> run : (List<Map<String, Object>>) r.get("onePatient")) {
            t.append(fmt("  one patient: %,d events in %s s (%,.0f events/s)%n", run.get("checked"),
                    run.get("seconds"), ((Number) run.get("eventsPerSecond")).doubleValue()));
        }
        for (Map<String, Object> run : (List<Map<String, Object>>) r.get("manyListed")) {
            t.append(fmt("  one patient, most listed: %,d events, %,d listed in %s s (%,.0f listed/s)%n",
                    run.get("checked"), run.get("listed"), run.get("seconds"),
                    ((Number) run.get("listedPerSecond")).doubleValue()));
        }
        Map<String, Object> all = (Map<String, Object>) r.get("allPatients");
        t.append(fmt("  all %s patients: %,d events in %s s (%,.0f events/s)%n", all.get("patients"),
                all.get("checked"), all.get("seconds"), ((Number) all.get("eventsPerSecond")).doubleValue()));
        return t.toString();
    }
}
