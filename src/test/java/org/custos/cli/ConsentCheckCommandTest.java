package org.custos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.TestData;
import org.custos.cli.CommandLineTest.Run;
import org.custos.consent.CheckData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.cli.CommandLineTest.run;

/** {@code custos consent check} on a real H2 cache file filled by {@code custos import}. */
class ConsentCheckCommandTest {
    @TempDir
    static Path dir;
    static String db;

    @BeforeAll
    static void importData() throws Exception {
        db = dir.resolve("check-cache").toString();
        Path events = CheckData.ndjson(dir.resolve("events.ndjson"), CheckData.events());
        Path c1 = CheckData.ndjson(dir.resolve("c1v1.ndjson"), List.of(CheckData.consentVersions().get(0)));
        Path c2 = CheckData.ndjson(dir.resolve("c1v2.ndjson"), List.of(CheckData.consentVersions().get(1)));
        Run r = run("import", TestData.examples().resolve("consent/Consent-consent-example-Emergency.json").toString(),
                c1.toString(), events.toString(), "--db", db);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        Run v2 = run("import", c2.toString(), "--db", db);
        assertThat(v2.code()).as(v2.out() + v2.err()).isZero();
    }

    @Test
    void oneCsvLinePerDeniedEventWithItsIdAndCountsOnStderr() {
        Run r = run("consent", "check", "--patient", "Patient/f001", "--to", "2020-05-31", "--db", db);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", ConsentCheckCommand.HEADER));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("denied,e2,files,2020-05-02T10:00:00Z," + CheckData.HOSPITAL + ",R,TREAT,"
                + "consent-example-Emergency,Consent.except[1]: deny");
        assertThat(r.err()).contains("checked 4 events: 1 denied, 2 undecidable, 1 permitted, 0 without a consent");
    }

    @Test
    void undecidableEventsOnRequestAndJsonLines() throws Exception {
        Run r = run("consent", "check", "--patient", "f001", "--undecidable", "--format", "json", "--db", db);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> rows = lines.stream().map(l -> {
            try {
                return m.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(rows).extracting(n -> n.get("event").asText() + " " + n.get("verdict").asText())
                .containsExactlyInAnyOrder("e2 denied", "e3 undecidable", "e4 undecidable", "e5 denied");
        assertThat(rows).filteredOn(n -> n.get("event").asText().equals("e4")).singleElement()
                .satisfies(n -> assertThat(n.get("detail").asText()).contains("does not give"));
    }

    @Test
    void theVersionInForceAndAllPatients() {
        Run r = run("consent", "check", "--patient", "Patient/p2", "--db", db);
        assertThat(r.out().lines().toList()).hasSize(2).last().asString().startsWith("denied,p3,files")
                .contains("c1/_history/2");
        Run all = run("consent", "check", "--all-patients", "--from", "2020-01-01", "--db", db);
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.err()).contains("checked 7 events: 3 denied");
    }

    @Test
    void badArgumentsExitOne() {
        assertThat(run("consent", "check", "--db", db).code()).isEqualTo(1);
        assertThat(run("consent", "check", "--patient", "f001", "--format", "xml", "--db", db).code()).isEqualTo(1);
        assertThat(run("consent", "check", "--patient", "f001", "--from", "yesterday", "--db", db).code()).isEqualTo(1);
        Run origin = run("consent", "check", "--patient", "f001", "--origin", "nowhere", "--db", db);
        assertThat(origin.code()).isEqualTo(1);
        assertThat(origin.err()).contains("no origin 'nowhere'");
    }
}
