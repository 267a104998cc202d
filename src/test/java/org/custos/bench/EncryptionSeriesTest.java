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
    void theOneMillionPairJudgesTheFillAndTheMedianOfTheOpeningsAndFailsWithoutThem() throws Exception {
        JsonNode plain = JSON.readTree("{\"settings\":{\"events\":1000000,\"encrypted\":false},"
                + "\"fill\":{\"eventsPerSecond\":4000},\"coldFirstPagesSumMedianMs\":400,"
                + "\"coldFirstPagesSumsMs\":[400,300,420]}");
        JsonNode enc = JSON.readTree("{\"settings\":{\"events\":1000000,\"encrypted\":true},"
                + "\"targets\":{\"verifySeconds\":{\"pass\":true}},\"fill\":{\"eventsPerSecond\":3600},"
                + "\"coldFirstPagesSumMedianMs\":500,"
                + "\"coldFirstPagesSumsMs\":[600,350,500]}");
        var p = EncryptionSeries.pair(plain, enc);
        assertThat(p.get("fill, events/s").get("ratio")).isEqualTo(1.111);
        assertThat(p.get("fill, events/s").get("pass")).isEqualTo(true);
        var pages = p.get("cold first pages, median over the openings of the sum, ms");
        assertThat(pages.get("ratio")).isEqualTo(1.25);
        assertThat(pages.get("pass")).isEqualTo(true);
        assertThat(p.get("- after opening (not judged)").get("ratio")).isEqualTo(1.5);
        assertThat(p.get("- after opening (not judged)").get("pass")).isEqualTo(true);

        assertThat(p.get("every browse target on the encrypted cache").get("pass")).isEqualTo(true);

        JsonNode missed = JSON.readTree(enc.toString().replace("\"pass\":true", "\"pass\":false"));
        assertThat(EncryptionSeries.pair(plain, missed).get("every browse target on the encrypted cache").get("pass"))
                .isEqualTo(false);
        assertThatThrownBy(() -> EncryptionSeries.pair(plain, plain)).hasMessageContaining("not a plain and an "
                + "encrypted run");
        JsonNode old = JSON.readTree("{\"settings\":{\"events\":1000000,\"encrypted\":true},\"targets\":"
                + "{\"verifySeconds\":{\"pass\":true}},\"fill\":{\"eventsPerSecond\":3600}}"); // before the openings
        assertThat(EncryptionSeries.pair(plain, old).get("cold first pages, median over the openings of the sum, ms")
                .get("pass")).isEqualTo(false);
    }
}
