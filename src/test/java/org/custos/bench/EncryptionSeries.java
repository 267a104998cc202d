package org.custos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a series of {@link EncryptionBench} runs and one 1M {@link BrowseBench} pair by the measure declared in the
 * README (issue 14, series 5): for each figure, the upper bound of the 95 % confidence interval of the mean of the
 * runs' encrypted / plain ratios within {@value #LIMIT}, and no run's ratio over {@value #CEILING} (encryption costing
 * more than 30 % of the speed). The 1M pair: the fill, and the median over its openings of the sum of the cold first
 * pages (over all the openings of each side's runs), each within {@value #LIMIT}; every file of one commit on a clean
 * tree. Series 8 on judge the 1M part by one {@link ColdPairsBench} run instead ({@link #cold}, {@link #coldProblems});
 * since series 10 each of its JVMs must show its own shifts, and each encryption run the declared size.
 * Not a test. Arguments: {@code --cold cold-pairs.json encryption-1.json ... encryption-8.json} (series 8 on), or
 * {@code --plain browse.json --encrypted browse-encrypted.json [--plain ... --encrypted ...] encryption-1.json ...}
 * (series 5 and 6); prints the table and writes {@code encryption-series.json} beside the first run's file.
 */
public final class EncryptionSeries {
    static final double LIMIT = 1.30;
    /** The encryption runs a series has. */
    static final int RUNS = 8;
    /** 1 / 0.7: the time ratio at which encryption costs 30 % of the speed. */
    static final double CEILING = 1 / 0.7;
    /** The judged figures of one run: where each ratio is in encryption.json. */
    static final Map<String, String> FIGURES = java.util.Collections.unmodifiableMap(figures());

    private EncryptionSeries() {
    }

    private static Map<String, String> figures() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("ingest (with the compaction at the import's end)", "/ingest/costRatio/value");
        f.put("first pages, same state", "/sameState/firstPagesCostRatio/value");
        f.put("first pages, as the import left it", "/asImported/firstPagesCostRatio/value");
        f.put("first pages, after the tidy close", "/afterTidyClose/firstPagesCostRatio/value");
        f.put("opened by the app: the opening", "/asImportedOpenedByCustos/openCostRatio/value");
        f.put("- the first pages after it", "/asImportedOpenedByCustos/firstPagesCostRatio/value");
        f.put("- both", "/asImportedOpenedByCustos/openAndFirstPagesCostRatio/value");
        f.put("the same pages again, same state", "/sameState/againCostRatio/value");
        f.put("the same pages again, as imported", "/asImported/againCostRatio/value");
        f.put("the same pages again, after the tidy close", "/afterTidyClose/againCostRatio/value");
        return f;
    }

    /** One figure over the runs: its mean, the upper bound of the mean's 95 % interval, the largest run. */
    record Figure(List<Double> ratios, double mean, double upper, double max) {
        boolean pass() {
            return upper <= LIMIT && max <= CEILING;
        }

        static Figure of(List<Double> ratios) {
            if (ratios.size() < 2) {
                throw new IllegalArgumentException("a confidence interval needs at least two runs");
            }
            double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double var = ratios.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum() / (ratios.size() - 1);
            double upper = mean + t975(ratios.size() - 1) * Math.sqrt(var / ratios.size());
            return new Figure(List.copyOf(ratios), mean, upper, ratios.stream().mapToDouble(Double::doubleValue)
                    .max().orElseThrow());
        }
    }

    /** Student's t, two-sided 95 % (the 97.5 % quantile), for 1 to 30 degrees of freedom; 1.96 beyond. */
    static double t975(int df) {
        double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
                2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
                2.045, 2.042};
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom " + df);
        }
        return df <= t.length ? t[df - 1] : 1.96;
    }

    /** Each judged figure over the runs; a figure missing from a run fails the series (nothing is left out). */
    static Map<String, Figure> judge(List<JsonNode> runs) {
        Map<String, Figure> out = new LinkedHashMap<>();
        FIGURES.forEach((label, pointer) -> {
            List<Double> ratios = new ArrayList<>();
            for (JsonNode run : runs) {
                JsonNode v = run.at(pointer);
                if (!v.isNumber() || !(v.doubleValue() > 0) || !Double.isFinite(v.doubleValue())) {
                    throw new IllegalArgumentException("a run has no " + pointer + " above 0 (" + v + ")");
                }
                ratios.add(v.doubleValue());
            }
            out.put(label, Figure.of(ratios));
        });
        return out;
    }

    /**
     * The 1M pairs, runs of each side in order: label → {plain, encrypted, ratio, judged, pass}. Judged: every browse
     * target on each encrypted run; the fill (mean events/s of each side); the cold first pages (the median, over all
     * the openings of a side's runs, of the sum over the filters). The sums after the first opening and the first
     * reopening are given per pair, not judged.
     */
    static Map<String, Map<String, Object>> pair(List<JsonNode> plain, List<JsonNode> encrypted) {
        if (plain.isEmpty() || plain.size() != encrypted.size()) {
            throw new IllegalArgumentException("as many plain as encrypted 1M runs, at least one each");
        }
        long events = plain.get(0).at("/settings/events").asLong();
        for (JsonNode p : plain) {
            check(!p.at("/settings/encrypted").asBoolean(true) && p.at("/settings/events").asLong() == events,
                    "a plain run is encrypted or of another size");
        }
        for (JsonNode e : encrypted) {
            check(e.at("/settings/encrypted").asBoolean(false) && e.at("/settings/events").asLong() == events,
                    "not a plain and an encrypted run of the same number of events");
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        List<String> missed = new ArrayList<>();
        for (JsonNode e : encrypted) {
            e.path("targets").fields().forEachRemaining(t -> {
                if (!t.getValue().path("pass").asBoolean(false)) {
                    missed.add(t.getKey());
                }
            });
            if (e.path("targets").size() == 0) {
                missed.add("(no targets: not a browse run)");
            }
        }
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("events", events);
        targets.put("missed", missed);
        targets.put("judged", true);
        targets.put("pass", missed.isEmpty());
        out.put("every browse target on the encrypted cache", targets);
        // the fill is a rate: its cost is plain / encrypted
        double fp = mean(plain.stream().map(j -> positive(j, "/fill/eventsPerSecond")).toList());
        double fe = mean(encrypted.stream().map(j -> positive(j, "/fill/eventsPerSecond")).toList());
        out.put("fill, events/s (mean)", row(fp, fe, fp / fe, true));
        double mp = EncryptionBench.median(sums(plain));
        double me = EncryptionBench.median(sums(encrypted));
        out.put("cold first pages, median over all openings of the sum, ms", row(mp, me, me / mp, true));
        for (int i = 0; i < plain.size(); i++) {
            double p0 = plain.get(i).at("/coldFirstPagesSumsMs/0").asDouble(Double.NaN);
            double e0 = encrypted.get(i).at("/coldFirstPagesSumsMs/0").asDouble(Double.NaN);
            double p1 = plain.get(i).at("/coldFirstPagesSumsMs/1").asDouble(Double.NaN);
            double e1 = encrypted.get(i).at("/coldFirstPagesSumsMs/1").asDouble(Double.NaN);
            out.put("- pair " + (i + 1) + ", after opening (not judged)", row(p0, e0, e0 / p0, false));
            out.put("- pair " + (i + 1) + ", after reopening (not judged)", row(p1, e1, e1 / p1, false));
        }
        return out;
    }

    /** The JVMs a {@link ColdPairsBench} run of a series has (series 8 on). */
    static final int COLD_JVMS = 8;

    /**
     * A {@link ColdPairsBench} run (series 8 on): label → {plain, encrypted, ratio, judged, pass}. Judged: the fill
     * (events/s), {@code custos verify} of the whole encrypted cache within {@value #VERIFY_SECONDS} s and intact on
     * both, the encrypted file's bytes per event within {@value #BYTES_PER_EVENT}, every warm first page target on
     * the encrypted cache in each JVM, and the cold first pages as the encryption runs' figures are judged, a JVM for a
     * run: the upper bound of the 95 % interval of the mean of the JVMs' ratios (encrypted total / plain total) within
     * {@value #LIMIT}, no JVM over {@link #CEILING}.
     */
    static Map<String, Map<String, Object>> cold(JsonNode c) {
        check("cold-pairs".equals(c.path("benchmark").asText()), "not a cold-pairs run");
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        JsonNode fp = c.at("/fills/plain");
        JsonNode fe = c.at("/fills/encrypted");
        check(!fp.path("encrypted").asBoolean(true) && fe.path("encrypted").asBoolean(false),
                "the fills are not a plain and an encrypted one");
        double ep = positive(fp, "/eventsPerSecond");
        double ee = positive(fe, "/eventsPerSecond");
        out.put("fill, events/s", row(ep, ee, ep / ee, true));
        double vp = positive(fp, "/verifySeconds");
        double ve = positive(fe, "/verifySeconds");
        boolean intact = fp.path("verifyIntact").asBoolean(false) && fe.path("verifyIntact").asBoolean(false);
        Map<String, Object> verify = row(vp, ve, ve / vp, true);
        verify.put("target", "encrypted <= " + VERIFY_SECONDS + " s, both intact");
        verify.put("pass", ve <= VERIFY_SECONDS && intact);
        out.put("custos verify of the whole cache, s", verify);
        double bp = positive(fp, "/bytesPerEvent");
        double be = positive(fe, "/bytesPerEvent");
        Map<String, Object> compacted = new LinkedHashMap<>();
        compacted.put("plain", fp.path("afterImport").toString());
        compacted.put("encrypted", fe.path("afterImport").toString());
        compacted.put("judged", true);
        compacted.put("pass", compacted(fp) && compacted(fe));
        out.put("both fills compacted at the import's end (the same state)", compacted);
        Map<String, Object> bytes = row(bp, be, be / bp, true);
        bytes.put("target", "encrypted <= " + BYTES_PER_EVENT);
        bytes.put("pass", be <= BYTES_PER_EVENT);
        out.put("file bytes per event after the fill", bytes);
        JsonNode jvms = c.path("jvms");
        check(jvms.isArray() && jvms.size() >= 2, "fewer than two JVMs");
        List<Double> ratios = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (JsonNode j : jvms) {
            double tp = positive(j, "/plain/totalMs");
            double te = positive(j, "/encrypted/totalMs");
            check(j.at("/plain/coldFirstPagesSumsMs").size() == j.at("/encrypted/coldFirstPagesSumsMs").size()
                    && j.at("/plain/coldFirstPagesSumsMs").size() > 0, "a JVM counted unlike openings on each side");
            for (String side : List.of("plain", "encrypted")) {
                double sum = 0;
                for (JsonNode v : j.at("/" + side + "/coldFirstPagesSumsMs")) {
                    sum += v.asDouble(Double.NaN);
                }
                // each sum is rounded to 0.01 ms and the total to 0.1 ms
                check(Math.abs(sum - positive(j, "/" + side + "/totalMs")) <= 0.05 + 0.005 * (1 + j.at("/" + side
                        + "/coldFirstPagesSumsMs").size()), "a JVM's " + side + " total is not the sum of its openings");
            }
            ratios.add(te / tp);
            JsonNode warm = j.at("/encrypted/warmFirstPages");
            List<String> filters = new ArrayList<>();
            warm.fieldNames().forEachRemaining(filters::add);
            check(filters.equals(WARM_FILTERS), "a JVM's warm first pages on the encrypted cache are not of the six "
                    + "filters " + WARM_FILTERS + ": " + filters);
            for (JsonNode side : List.of(warm, j.at("/plain/warmFirstPages"))) {
                side.fields().forEachRemaining(f -> check(f.getValue().path("repetitions").asInt(0)
                        >= BrowseBench.MIN_WARM, "a warm first page of fewer than " + BrowseBench.MIN_WARM
                        + " repetitions (made before series 9?): " + f.getKey()));
            }
            warm.fields().forEachRemaining(f -> {
                if (!f.getValue().path("informational").asBoolean(false)
                        && !(f.getValue().path("medianMs").asDouble(Double.NaN) <= WARM_MS)) {
                    missed.add(f.getKey() + " " + f.getValue().path("medianMs"));
                }
            });
        }
        Figure f = Figure.of(ratios);
        Map<String, Object> cold = new LinkedHashMap<>();
        cold.put("ratios", f.ratios().stream().map(r -> BenchSupport.round(r, 3)).toList());
        cold.put("mean", BenchSupport.round(f.mean(), 3));
        cold.put("upper95", BenchSupport.round(f.upper(), 3));
        cold.put("max", BenchSupport.round(f.max(), 3));
        cold.put("judged", true);
        cold.put("pass", f.pass());
        out.put("cold first pages, encrypted / plain total of each JVM", cold);
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("target", "every warm first page median <= " + WARM_MS + " ms on the encrypted cache, each JVM");
        targets.put("missed", missed);
        targets.put("judged", true);
        targets.put("pass", missed.isEmpty());
        out.put("warm first pages on the encrypted cache", targets);
        return out;
    }

    private static boolean compacted(JsonNode fill) {
        for (JsonNode n : fill.path("afterImport")) {
            if (n.asText().startsWith("Compacted the cache")) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the declared series needs of its cold-pairs run (series 8 on), beside {@link #conditions}: one run alone
     * (no 1M browse pair with it), of 1,000,000 events, {@value #COLD_JVMS} JVMs with the benchmark's warm-up and
     * counted rounds, each side {@code 2 × rounds} openings, and every child JVM at the run's commit. Empty when all
     * hold.
     */
    static List<String> coldProblems(List<JsonNode> colds, int browseRuns) {
        List<String> problems = new ArrayList<>();
        if (colds.isEmpty()) {
            return problems;
        }
        if (colds.size() != 1 || browseRuns != 0) {
            problems.add("not one cold-pairs run alone (no 1M browse pair beside it)");
        }
        JsonNode c = colds.get(0);
        if (c.at("/settings/events").asLong() != 1_000_000) {
            problems.add("the cold-pairs run is of " + c.at("/settings/events") + " events, not 1,000,000");
        }
        if (c.path("jvms").size() != COLD_JVMS) {
            problems.add(c.path("jvms").size() + " cold-pairs JVMs, not " + COLD_JVMS);
        }
        if (c.at("/settings/warmUpRounds").asInt(-1) != ColdPairsBench.WARM_UP_ROUNDS
                || c.at("/settings/countedRounds").asInt(-1) != ColdPairsBench.ROUNDS) {
            problems.add("not the declared rounds: " + c.at("/settings/warmUpRounds") + " warm-up, "
                    + c.at("/settings/countedRounds") + " counted");
        }
        String git = c.at("/environment/git").asText("");
        List<JsonNode> children = new ArrayList<>(List.of(c.at("/fills/plain"), c.at("/fills/encrypted")));
        c.path("jvms").forEach(children::add);
        int index = 0;
        for (JsonNode j : c.path("jvms")) {
            // series 10 on: each JVM's own shifts (older cold-pairs files have none and are refused here)
            if (j.path("jvm").asInt(-1) != index || j.path("orderShift").asInt(-1) != index
                    || j.path("valueShift").asInt(-1) != ColdPairsBench.valueShift(index)) {
                problems.add("JVM " + (index + 1) + " did not run its own place in the sequence (jvm " + j.path("jvm")
                        + ", order shift " + j.path("orderShift") + ", value shift " + j.path("valueShift") + ")");
            }
            index++;
            for (String side : List.of("plain", "encrypted")) {
                if (j.path(side).path("coldFirstPagesSumsMs").size() != 2 * ColdPairsBench.ROUNDS) {
                    problems.add("a JVM's " + side + " side has " + j.path(side).path("coldFirstPagesSumsMs").size()
                            + " openings, not " + 2 * ColdPairsBench.ROUNDS);
                }
            }
        }
        for (JsonNode child : children) {
            if (!child.at("/environment/git").asText("").equals(git)) {
                problems.add("a child JVM ran other code: " + child.at("/environment/git") + ", not " + git);
            }
        }
        return problems;
    }

    /** The browse benchmark's six filters, whose warm first pages every JVM of a cold-pairs run takes. */
    static final List<String> WARM_FILTERS = List.of("noFilter", "agent", "patient", "purposeBTG", "failedLogins30d",
            "text");

    static final double VERIFY_SECONDS = 30;
    static final double BYTES_PER_EVENT = 2048;
    static final double WARM_MS = 50;

    /** Every opening's sum of a side's runs; a run without them, or a sum not above zero, is refused. */
    private static List<Double> sums(List<JsonNode> runs) {
        List<Double> all = new ArrayList<>();
        for (JsonNode r : runs) {
            JsonNode s = r.at("/coldFirstPagesSumsMs");
            check(s.isArray() && s.size() > 0, "a 1M run has no coldFirstPagesSumsMs (made before series 5?)");
            for (JsonNode v : s) {
                check(v.isNumber() && v.doubleValue() > 0 && Double.isFinite(v.doubleValue()),
                        "a cold first pages sum is not a time: " + v);
                all.add(v.doubleValue());
            }
        }
        return all;
    }

    private static double positive(JsonNode run, String pointer) {
        JsonNode v = run.at(pointer);
        check(v.isNumber() && v.doubleValue() > 0 && Double.isFinite(v.doubleValue()), "no " + pointer + " above 0");
        return v.doubleValue();
    }

    private static void check(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /**
     * What the declared series needs of its files: {@value #RUNS} distinct encryption runs, and every file made at
     * one commit on a clean tree (the {@code environment.git} each benchmark records). Empty when all hold.
     */
    static List<String> conditions(List<JsonNode> runs, List<JsonNode> pairs) {
        List<String> problems = new ArrayList<>();
        if (runs.size() != RUNS) {
            problems.add(runs.size() + " encryption runs, not " + RUNS);
        }
        if (runs.stream().map(JsonNode::toString).distinct().count() != runs.size()) {
            problems.add("the same encryption run given twice");
        }
        for (JsonNode run : runs) {
            // the declared size and design (series 10's review: eight small runs would otherwise have counted)
            if (run.path("events").asLong() != 100_000 || run.path("rounds").asInt() != EncryptionBench.ROUNDS
                    || run.path("reopenings").asInt() != EncryptionBench.REOPENS) {
                problems.add("an encryption run is not of the declared size and design: " + run.path("events")
                        + " events, " + run.path("rounds") + " rounds, " + run.path("reopenings") + " reopenings");
            }
        }
        List<String> gits = java.util.stream.Stream.concat(runs.stream(), pairs.stream())
                .map(j -> j.at("/environment/git").asText("")).distinct().toList();
        if (gits.size() != 1) {
            problems.add("the files come from different code: " + gits);
        } else if (gits.get(0).isBlank() || gits.get(0).contains("dirty")) {
            problems.add("not made on a clean tree at one commit: \"" + gits.get(0) + "\"");
        }
        return problems;
    }

    private static Map<String, Object> row(double plain, double encrypted, double ratio, boolean judged) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plain", BenchSupport.round(plain, 1));
        m.put("encrypted", BenchSupport.round(encrypted, 1));
        m.put("ratio", BenchSupport.round(ratio, 3));
        m.put("judged", judged);
        m.put("pass", !judged || ratio <= LIMIT); // NaN (a figure missing) fails
        return m;
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Path> runs = new ArrayList<>();
        List<JsonNode> plain = new ArrayList<>();
        List<JsonNode> encrypted = new ArrayList<>();
        List<JsonNode> colds = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cold" -> colds.add(json.readTree(Path.of(args[++i]).toFile()));
                case "--plain" -> plain.add(json.readTree(Path.of(args[++i]).toFile()));
                case "--encrypted" -> encrypted.add(json.readTree(Path.of(args[++i]).toFile()));
                default -> runs.add(Path.of(args[i]));
            }
        }
        List<JsonNode> read = new ArrayList<>();
        for (Path p : runs) {
            read.add(json.readTree(p.toFile()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        List<JsonNode> pairFiles = new ArrayList<>(plain);
        pairFiles.addAll(encrypted);
        pairFiles.addAll(colds);
        List<String> problems = new ArrayList<>(conditions(read, pairFiles));
        problems.addAll(coldProblems(colds, plain.size() + encrypted.size()));
        boolean pass = problems.isEmpty();
        StringBuilder b = new StringBuilder();
        problems.forEach(p -> b.append("NOT A SERIES AS DECLARED: ").append(p).append('\n'));
        b.append(String.format("%d EncryptionBench runs; limit: the mean's 95 %% upper bound <= %.2f and no run over "
                + "%.3f%n", read.size(), LIMIT, CEILING));
        Map<String, Object> figures = new LinkedHashMap<>();
        for (var e : judge(read).entrySet()) {
            Figure f = e.getValue();
            pass &= f.pass();
            b.append(String.format("  %-48s mean %.3f  upper %.3f  max %.3f  %s  %s%n", e.getKey(), f.mean, f.upper,
                    f.max, f.pass() ? "PASS" : "FAIL", f.ratios));
            figures.put(e.getKey(), Map.of("ratios", f.ratios, "mean", BenchSupport.round(f.mean, 3), "upper95",
                    BenchSupport.round(f.upper, 3), "max", f.max, "pass", f.pass()));
        }
        out.put("runs", runs.stream().map(Path::toString).toList());
        out.put("conditions", problems);
        out.put("figures", figures);
        if (!colds.isEmpty()) {
            var p = cold(colds.get(0));
            b.append("cold pairs, plain / encrypted (judged: the ratio for the cold first pages and the fill, the target "
                    + "for the rest)\n");
            for (var e : p.entrySet()) {
                pass &= (Boolean) e.getValue().get("pass");
                b.append(String.format("  %-60s %s%n", e.getKey(), e.getValue()));
            }
            out.put("cold", p);
        } else if (!plain.isEmpty()) {
            var p = pair(plain, encrypted);
            b.append(plain.size()).append(" 1M pair(s), plain / encrypted\n");
            for (var e : p.entrySet()) {
                pass &= (Boolean) e.getValue().get("pass");
                b.append(String.format("  %-60s %s%n", e.getKey(), e.getValue()));
            }
            out.put("pair", p);
        } else {
            pass = false;
            b.append("no 1M pair or cold-pairs run given: the series cannot pass without it\n");
        }
        out.put("pass", pass);
        b.append(pass ? "SERIES PASSES\n" : "SERIES FAILS\n");
        System.out.print(b);
        if (!runs.isEmpty()) {
            Path dir = runs.get(0).toAbsolutePath().getParent();
            BenchSupport.writeJson(dir.resolve("encryption-series.json"), out);
        }
    }
}
