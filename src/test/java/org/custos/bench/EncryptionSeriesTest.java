package org.custos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The judge of an encryption series: the mean's 95 % upper bound, the ceiling on any run, the 1M pair. */
class EncryptionSeriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theUpperBoundIsTheMeanPlusStudentsTTimesTheStandardError() {
        // series 3's same-state first pages: mean 1.184, s 0.0507, t(7) 2.365
        var f = EncryptionSeries.Figure.of(List.of(1.25, 1.18, 1.09, 1.21, 1.21, 1.14, 1.22, 1.17));
        assertThat(f.mean()).isCloseTo(1.184, within(0.001));
        assertThat(f.upper()).isCloseTo(1.226, within(0.001));
        assertThat(f.pass()).isTrue();
        assertThat(EncryptionSeries.t975(7)).isEqualTo(2.365);
        assertThat(EncryptionSeries.t975(40)).isEqualTo(1.96);
    }

    @Test
    void aWideSpreadFailsThoughTheMeanIsUnderTheLimit() {
        var f = EncryptionSeries.Figure.of(List.of(1.10, 1.40, 1.15, 1.38, 1.12, 1.36, 1.20, 1.35));
        assertThat(f.mean()).isLessThan(1.30);
        assertThat(f.upper()).isGreaterThan(1.30);
        assertThat(f.pass()).isFalse();
    }

    @Test
    void oneRunCostingMoreThanThirtyPercentOfTheSpeedFailsTheFigure() {
        var f = EncryptionSeries.Figure.of(List.of(1.05, 1.05, 1.05, 1.05, 1.05, 1.05, 1.05, 1.45));
        assertThat(f.upper()).isLessThan(1.30);
        assertThat(f.pass()).isFalse();
        assertThat(EncryptionSeries.CEILING).isCloseTo(1.4286, within(0.0001));
    }

    @Test
    void aRunWithoutOneOfTheFiguresIsRefused() throws Exception {
        JsonNode run = JSON.readTree("{\"ingest\":{\"costRatio\":{\"value\":1.1}}}");
        assertThatThrownBy(() -> EncryptionSeries.judge(List.of(run, run))).hasMessageContaining("/sameState");
    }

    @Test
    void theOneMillionPairsJudgeTheFillAndTheMedianOfAllOpeningsAndRefuseWhatIsMissing() throws Exception {
        JsonNode plain = run(false, 4000, "[400,300,420]");
        JsonNode enc = run(true, 3600, "[600,350,500]");
        var p = EncryptionSeries.pair(List.of(plain), List.of(enc));
        assertThat(p.get("fill, events/s (mean)").get("ratio")).isEqualTo(1.111);
        assertThat(p.get("fill, events/s (mean)").get("pass")).isEqualTo(true);
        var pages = p.get("cold first pages, median over all openings of the sum, ms");
        assertThat(pages.get("ratio")).isEqualTo(1.25); // 500 / 400
        assertThat(pages.get("pass")).isEqualTo(true);
        assertThat(p.get("- pair 1, after opening (not judged)").get("ratio")).isEqualTo(1.5);
        assertThat(p.get("every browse target on the encrypted cache").get("pass")).isEqualTo(true);

        // two pairs: the medians are over all six openings of a side
        var two = EncryptionSeries.pair(List.of(plain, run(false, 4000, "[200,210,220]")),
                List.of(enc, run(true, 3000, "[700,800,900]")));
        assertThat(two.get("cold first pages, median over all openings of the sum, ms").get("plain")).isEqualTo(260.0);
        assertThat(two.get("cold first pages, median over all openings of the sum, ms").get("encrypted"))
                .isEqualTo(650.0);
        assertThat(two.get("cold first pages, median over all openings of the sum, ms").get("pass")).isEqualTo(false);

        JsonNode missed = JSON.readTree(enc.toString().replace("\"pass\":true", "\"pass\":false"));
        assertThat(EncryptionSeries.pair(List.of(plain), List.of(missed)).get("every browse target on the encrypted "
                + "cache").get("pass")).isEqualTo(false);
        assertThatThrownBy(() -> EncryptionSeries.pair(List.of(plain), List.of(plain)))
                .hasMessageContaining("not a plain and an encrypted run");
        JsonNode before = JSON.readTree(enc.toString().replace(",\"coldFirstPagesSumsMs\":[600,350,500]", ""));
        assertThatThrownBy(() -> EncryptionSeries.pair(List.of(plain), List.of(before)))
                .hasMessageContaining("coldFirstPagesSumsMs");
        JsonNode noFill = JSON.readTree(enc.toString().replace("\"eventsPerSecond\":3600", "\"eventsPerSecond\":0"));
        assertThatThrownBy(() -> EncryptionSeries.pair(List.of(plain), List.of(noFill)))
                .hasMessageContaining("eventsPerSecond");
    }

    @Test
    void aFigureThatIsNotANumberAboveZeroIsRefusedNotPassed() throws Exception {
        JsonNode nan = JSON.readTree("{\"ingest\":{\"costRatio\":{\"value\":\"NaN\"}}}");
        assertThatThrownBy(() -> EncryptionSeries.judge(List.of(nan, nan))).hasMessageContaining("/ingest");
        JsonNode zero = JSON.readTree("{\"ingest\":{\"costRatio\":{\"value\":0.0}}}");
        assertThatThrownBy(() -> EncryptionSeries.judge(List.of(zero, zero))).hasMessageContaining("/ingest");
        assertThat(BenchSupport.round(Double.NaN, 3)).isNaN(); // Math.round would have made it 0
    }

    @Test
    void aSeriesIsEightDistinctRunsOfOneCleanCommit() throws Exception {
        List<JsonNode> eight = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(JSON.readTree("{\"n\":" + i + ",\"events\":100000,\"rounds\":" + EncryptionBench.ROUNDS
                    + ",\"reopenings\":" + EncryptionBench.REOPENS + ",\"environment\":{\"git\":\"abc1234\"}}"));
        }
        JsonNode pairFile = JSON.readTree("{\"environment\":{\"git\":\"abc1234\"}}");
        assertThat(EncryptionSeries.conditions(eight, List.of(pairFile, pairFile))).isEmpty();
        assertThat(EncryptionSeries.conditions(eight.subList(0, 7), List.of(pairFile))).singleElement().asString()
                .contains("7 encryption runs");
        List<JsonNode> twice = new java.util.ArrayList<>(eight.subList(0, 7));
        twice.add(eight.get(0));
        assertThat(EncryptionSeries.conditions(twice, List.of(pairFile))).singleElement().asString()
                .contains("twice");
        JsonNode dirty = JSON.readTree("{\"environment\":{\"git\":\"abc1234-dirty\"}}");
        assertThat(EncryptionSeries.conditions(eight, List.of(dirty))).singleElement().asString()
                .contains("different code");
        List<JsonNode> allDirty = eight.stream().map(j -> (JsonNode) ((com.fasterxml.jackson.databind.node.ObjectNode)
                j.deepCopy()).set("environment", dirty.get("environment"))).toList();
        assertThat(EncryptionSeries.conditions(allDirty, List.of(dirty))).singleElement().asString()
                .contains("clean tree");
        List<JsonNode> small = new java.util.ArrayList<>(eight.subList(0, 7));
        small.add(((com.fasterxml.jackson.databind.node.ObjectNode) eight.get(7).deepCopy()).put("events", 10_000));
        assertThat(EncryptionSeries.conditions(small, List.of(pairFile))).singleElement().asString()
                .contains("not of the declared size");
    }

    @Test
    void theColdPairsAreJudgedAsTheEncryptionRunsAreAndTheFillVerifyAndTargetsBesideThem() throws Exception {
        // four JVMs, ratios 1.1, 1.2, 1.0, 1.2: mean 1.125, s 0.0957, t(3) 3.182: upper 1.277
        JsonNode c = cold(4000, 3600, 20.0, 26.0, 564, 579, "[[1000,1100],[900,1080],[1200,1200],[1000,1200]]", 20);
        var j = EncryptionSeries.cold(c);
        assertThat(j.get("fill, events/s").get("ratio")).isEqualTo(1.111);
        assertThat(j.get("fill, events/s").get("pass")).isEqualTo(true);
        var pages = j.get("cold first pages, encrypted / plain total of each JVM");
        assertThat(pages.get("ratios")).isEqualTo(List.of(1.1, 1.2, 1.0, 1.2));
        assertThat((Double) pages.get("mean")).isCloseTo(1.125, within(0.001));
        assertThat((Double) pages.get("upper95")).isCloseTo(1.277, within(0.001));
        assertThat(pages.get("pass")).isEqualTo(true);
        assertThat(j.get("custos verify of the whole cache, s").get("pass")).isEqualTo(true);
        assertThat(j.get("file bytes per event after the fill").get("pass")).isEqualTo(true);
        assertThat(j.get("warm first pages on the encrypted cache").get("pass")).isEqualTo(true);
        assertThat(j.get("both fills compacted at the import's end (the same state)").get("pass")).isEqualTo(true);
        assertThat(j.values()).allSatisfy(row -> assertThat(row.get("pass")).isEqualTo(true));

        // every JVM under 1/0.7, but so spread that the mean's upper bound is over 1.30: 1.2 + 3.182 * 0.1155
        var spread = EncryptionSeries.cold(cold(4000, 3600, 20, 26, 564, 579,
                "[[1000,1000],[1000,1400],[1000,1000],[1000,1400]]", 20))
                .get("cold first pages, encrypted / plain total of each JVM");
        assertThat((Double) spread.get("max")).isLessThan(EncryptionSeries.CEILING);
        assertThat((Double) spread.get("upper95")).isCloseTo(1.567, within(0.001));
        assertThat(spread.get("pass")).isEqualTo(false);
        // a cache not intact after its fill, a file too large, a fill the import did not compact
        JsonNode broken = JSON.readTree(c.toString().replaceFirst("\"verifyIntact\":true", "\"verifyIntact\":false"));
        assertThat(EncryptionSeries.cold(broken).get("custos verify of the whole cache, s").get("pass")).isEqualTo(false);
        assertThat(EncryptionSeries.cold(cold(4000, 3600, 20, 26, 564, 2100, "[[1000,1000],[1000,1010]]", 20))
                .get("file bytes per event after the fill").get("pass")).isEqualTo(false);
        JsonNode notCompacted = JSON.readTree(c.toString().replace("Compacted the cache: 3,399", "Left as it was: 3,399"));
        assertThat(EncryptionSeries.cold(notCompacted).get("both fills compacted at the import's end (the same state)")
                .get("pass")).isEqualTo(false);

        // one JVM over 1/0.7, though the mean is low
        var over = EncryptionSeries.cold(cold(4000, 3600, 20, 26, 564, 579,
                "[[1000,1000],[1000,1000],[1000,1000],[1000,1000],[1000,1000],[1000,1450]]", 20));
        assertThat(over.get("cold first pages, encrypted / plain total of each JVM").get("pass")).isEqualTo(false);
        // the fill over the limit
        assertThat(EncryptionSeries.cold(cold(4000, 3000, 20, 26, 564, 579, "[[1000,1000],[1000,1010]]", 20))
                .get("fill, events/s").get("pass")).isEqualTo(false);
        // verify too slow on the encrypted cache; a warm first page over its target (the informational one is not)
        assertThat(EncryptionSeries.cold(cold(4000, 3600, 20, 31, 564, 579, "[[1000,1000],[1000,1010]]", 20))
                .get("custos verify of the whole cache, s").get("pass")).isEqualTo(false);
        var slow = EncryptionSeries.cold(cold(4000, 3600, 20, 26, 564, 579, "[[1000,1000],[1000,1010]]", 51));
        assertThat(slow.get("warm first pages on the encrypted cache").get("pass")).isEqualTo(false);
        assertThat(slow.get("warm first pages on the encrypted cache").get("missed").toString()).contains("agent")
                .doesNotContain("text");
        // refused: a total of zero, two plain fills, unlike openings, not a cold-pairs file
        assertThatThrownBy(() -> EncryptionSeries.cold(cold(4000, 3600, 20, 26, 564, 579,
                "[[0,1000],[1000,1010]]", 20))).hasMessageContaining("totalMs");
        JsonNode twoPlain = JSON.readTree(c.toString().replace("\"encrypted\":true", "\"encrypted\":false"));
        assertThatThrownBy(() -> EncryptionSeries.cold(twoPlain)).hasMessageContaining("plain and an encrypted");
        JsonNode unlike = JSON.readTree(c.toString().replaceFirst("\"coldFirstPagesSumsMs\":\\[([0-9.]+),",
                "\"coldFirstPagesSumsMs\":[$1,1.0,"));
        assertThatThrownBy(() -> EncryptionSeries.cold(unlike)).hasMessageContaining("unlike openings");
        JsonNode fewWarm = JSON.readTree(c.toString().replaceFirst("\"repetitions\":40", "\"repetitions\":19"));
        assertThatThrownBy(() -> EncryptionSeries.cold(fewWarm)).hasMessageContaining("fewer than 20 repetitions");
        JsonNode noCount = JSON.readTree(c.toString().replaceFirst(",\"repetitions\":40", ""));
        assertThatThrownBy(() -> EncryptionSeries.cold(noCount)).hasMessageContaining("fewer than 20 repetitions");
        // the encrypted side's warm figures without one filter (its target would go unjudged)
        String lastJvm = c.toString().substring(c.toString().lastIndexOf("\"encrypted\":{\"totalMs\""));
        JsonNode lessWarm = JSON.readTree(c.toString().replace(lastJvm, lastJvm.replaceFirst(
                "\"patient\":\\{[^}]*\\},", "")));
        assertThatThrownBy(() -> EncryptionSeries.cold(lessWarm)).hasMessageContaining("not of the six filters");
        // a total that is not the sum of the openings it says it is of
        JsonNode badTotal = JSON.readTree(c.toString().replaceFirst("\"totalMs\":1000.0", "\"totalMs\":900.0"));
        assertThatThrownBy(() -> EncryptionSeries.cold(badTotal)).hasMessageContaining("not the sum of its openings");
        assertThatThrownBy(() -> EncryptionSeries.cold(JSON.readTree("{\"benchmark\":\"browse\"}")))
                .hasMessageContaining("not a cold-pairs run");
    }

    @Test
    void aColdPairsRunCountsForTheSeriesOnlyAsDeclared() throws Exception {
        JsonNode ok = declared(1_000_000, 8, 2, 10, "abc1234", "abc1234");
        assertThat(EncryptionSeries.coldProblems(List.of(ok), 0)).isEmpty();
        assertThat(EncryptionSeries.coldProblems(List.of(), 2)).isEmpty(); // the older series' 1M pairs
        assertThat(EncryptionSeries.coldProblems(List.of(ok), 2)).singleElement().asString().contains("alone");
        assertThat(EncryptionSeries.coldProblems(List.of(ok, ok), 0)).singleElement().asString().contains("alone");
        assertThat(EncryptionSeries.coldProblems(List.of(declared(100_000, 8, 2, 10, "abc1234", "abc1234")), 0))
                .singleElement().asString().contains("not 1,000,000");
        assertThat(EncryptionSeries.coldProblems(List.of(declared(1_000_000, 7, 2, 10, "abc1234", "abc1234")), 0))
                .singleElement().asString().contains("7 cold-pairs JVMs");
        assertThat(EncryptionSeries.coldProblems(List.of(declared(1_000_000, 8, 1, 10, "abc1234", "abc1234")), 0))
                .singleElement().asString().contains("not the declared rounds");
        assertThat(EncryptionSeries.coldProblems(List.of(declared(1_000_000, 8, 2, 9, "abc1234", "abc1234")), 0))
                .anySatisfy(p -> assertThat(p).contains("not the declared rounds"))
                .anySatisfy(p -> assertThat(p).contains("18 openings, not 20"));
        assertThat(EncryptionSeries.coldProblems(List.of(declared(1_000_000, 8, 2, 10, "abc1234", "def5678")), 0))
                .isNotEmpty().allSatisfy(p -> assertThat(p).contains("other code"));
        com.fasterxml.jackson.databind.node.ObjectNode same = (com.fasterxml.jackson.databind.node.ObjectNode) ok
                .deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) same.path("jvms").get(3)).put("valueShift", 0);
        assertThat(EncryptionSeries.coldProblems(List.of(same), 0)).singleElement().asString()
                .contains("JVM 4 did not run its own place");
    }

    /** A cold-pairs file as far as {@link EncryptionSeries#coldProblems} reads it. */
    private static JsonNode declared(int events, int jvms, int warmUp, int rounds, String git, String childGit)
            throws Exception {
        String env = "\"environment\":{\"git\":\"" + childGit + "\"}";
        String sums = "[" + String.join(",", java.util.Collections.nCopies(2 * rounds, "1.0")) + "]";
        List<String> list = new java.util.ArrayList<>();
        for (int i = 0; i < jvms; i++) {
            list.add("{" + env + ",\"jvm\":" + i + ",\"orderShift\":" + i + ",\"valueShift\":" + 14 * i
                    + ",\"plain\":{\"coldFirstPagesSumsMs\":" + sums + "},\"encrypted\":{\"coldFirstPagesSumsMs\":"
                    + sums + "}}");
        }
        return JSON.readTree("{\"environment\":{\"git\":\"" + git + "\"},\"settings\":{\"events\":" + events
                + ",\"warmUpRounds\":" + warmUp + ",\"countedRounds\":" + rounds + "},\"fills\":{\"plain\":{" + env
                + "},\"encrypted\":{" + env + "}},\"jvms\":[" + String.join(",", list) + "]}");
    }

    /** A cold-pairs result: JVMs as [plain total, encrypted total], one warm median for every filter. */
    private static JsonNode cold(int plainEps, int encEps, double plainVerify, double encVerify, double plainBytes,
                                 double encBytes, String pairs, double warmMs) throws Exception {
        StringBuilder b = new StringBuilder("{\"benchmark\":\"cold-pairs\",\"fills\":{");
        b.append("\"plain\":{\"encrypted\":false,\"eventsPerSecond\":").append(plainEps)
                .append(",\"verifySeconds\":").append(plainVerify).append(",\"verifyIntact\":true,\"bytesPerEvent\":")
                .append(plainBytes).append(",\"afterImport\":[\"Compacted the cache: 3,399 MB → 763 MB.\"]},");
        b.append("\"encrypted\":{\"encrypted\":true,\"eventsPerSecond\":").append(encEps)
                .append(",\"verifySeconds\":").append(encVerify).append(",\"verifyIntact\":true,\"bytesPerEvent\":")
                .append(encBytes).append(",\"afterImport\":[\"Compacted the cache: 3,834 MB → 784 MB.\"]}},\"jvms\":[");
        JsonNode list = JSON.readTree(pairs);
        for (int i = 0; i < list.size(); i++) {
            b.append(i == 0 ? "" : ",").append("{\"plain\":").append(side(list.get(i).get(0).asDouble(), 20))
                    .append(",\"encrypted\":").append(side(list.get(i).get(1).asDouble(), warmMs)).append('}');
        }
        return JSON.readTree(b.append("]}").toString());
    }

    private static String side(double total, double warmMs) {
        StringBuilder warm = new StringBuilder();
        for (String f : List.of("noFilter", "agent", "patient", "purposeBTG", "failedLogins30d")) {
            warm.append('"').append(f).append("\":{\"medianMs\":").append(f.equals("agent") ? warmMs : 10)
                    .append(",\"repetitions\":40,\"informational\":false},");
        }
        warm.append("\"text\":{\"medianMs\":99,\"repetitions\":20,\"informational\":true}");
        return "{\"totalMs\":" + total + ",\"coldFirstPagesSumsMs\":[" + total / 2 + "," + total / 2
                + "],\"warmFirstPages\":{" + warm + "}}";
    }

    private static JsonNode run(boolean encrypted, int eventsPerSecond, String sums) throws Exception {
        return JSON.readTree("{\"settings\":{\"events\":1000000,\"encrypted\":" + encrypted + "},"
                + (encrypted ? "\"targets\":{\"verifySeconds\":{\"pass\":true}}," : "")
                + "\"fill\":{\"eventsPerSecond\":" + eventsPerSecond + "},\"coldFirstPagesSumsMs\":" + sums + "}");
    }
}
