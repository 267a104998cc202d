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
 * pages, each within {@value #LIMIT}. Not a test. Arguments: {@code [--plain browse.json --encrypted
 * browse-encrypted.json] encryption-1.json encryption-2.json ...}; prints the table and writes
 * {@code encryption-series.json} beside the first run's file.
 */
public final class EncryptionSeries {
    static final double LIMIT = 1.30;
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
                if (!v.isNumber()) {
                    throw new IllegalArgumentException("a run has no " + pointer);
                }
                ratios.add(v.doubleValue());
            }
            out.put(label, Figure.of(ratios));
        });
        return out;
    }

    /** The 1M pair: label → {plain, encrypted, ratio, judged, pass}; the encrypted run's own browse targets. */
    static Map<String, Map<String, Object>> pair(JsonNode plain, JsonNode encrypted) {
        if (plain.at("/settings/encrypted").asBoolean(true) || !encrypted.at("/settings/encrypted").asBoolean(false)
                || plain.at("/settings/events").asLong() != encrypted.at("/settings/events").asLong()) {
            throw new IllegalArgumentException("not a plain and an encrypted run of the same number of events");
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        List<String> missed = new ArrayList<>();
        encrypted.path("targets").fields().forEachRemaining(t -> {
            if (!t.getValue().path("pass").asBoolean(false)) {
                missed.add(t.getKey());
            }
        });
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("events", encrypted.at("/settings/events").asLong());
        targets.put("missed", missed);
        targets.put("judged", true);
        targets.put("pass", missed.isEmpty() && encrypted.path("targets").size() > 0); // none at all: not a browse run
        out.put("every browse target on the encrypted cache", targets);
        // the fill is a rate: its cost is plain / encrypted
        double fp = plain.at("/fill/eventsPerSecond").asDouble(), fe = encrypted.at("/fill/eventsPerSecond").asDouble();
        out.put("fill, events/s", row(fp, fe, fp / fe, true));
        double mp = plain.at("/coldFirstPagesSumMedianMs").asDouble(Double.NaN);
        double me = encrypted.at("/coldFirstPagesSumMedianMs").asDouble(Double.NaN);
        out.put("cold first pages, median over the openings of the sum, ms", row(mp, me, me / mp, true));
        JsonNode sp = plain.at("/coldFirstPagesSumsMs"), se = encrypted.at("/coldFirstPagesSumsMs");
        if (sp.size() >= 2 && se.size() >= 2) {
            out.put("- after opening (not judged)", row(sp.get(0).asDouble(), se.get(0).asDouble(),
                    se.get(0).asDouble() / sp.get(0).asDouble(), false));
            out.put("- after reopening (not judged)", row(sp.get(1).asDouble(), se.get(1).asDouble(),
                    se.get(1).asDouble() / sp.get(1).asDouble(), false));
        }
        return out;
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
        Path plain = null;
        Path encrypted = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--plain" -> plain = Path.of(args[++i]);
                case "--encrypted" -> encrypted = Path.of(args[++i]);
                default -> runs.add(Path.of(args[i]));
            }
        }
        List<JsonNode> read = new ArrayList<>();
        for (Path p : runs) {
            read.add(json.readTree(p.toFile()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        boolean pass = true;
        StringBuilder b = new StringBuilder(String.format("%d EncryptionBench runs; limit: the mean's 95 %% upper "
                + "bound <= %.2f and no run over %.3f%n", read.size(), LIMIT, CEILING));
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
        out.put("figures", figures);
        if (plain != null && encrypted != null) {
            var p = pair(json.readTree(plain.toFile()), json.readTree(encrypted.toFile()));
            b.append("1M pair, plain / encrypted\n");
            for (var e : p.entrySet()) {
                pass &= (Boolean) e.getValue().get("pass");
                b.append(String.format("  %-60s %s%n", e.getKey(), e.getValue()));
            }
            out.put("pair", p);
        } else {
            pass = false;
            b.append("no 1M pair given: the series cannot pass without it\n");
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
