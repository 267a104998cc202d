package org.custos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.Origins;
import org.custos.cli.CommandLineTest.Run;
import org.custos.rules.Events;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.custos.cli.CommandLineTest.run;

/**
 * Custos audits itself on the command line: each query, export and report is recorded as an STU3 AuditEvent under
 * the origin "this Custos" (BALP query / export, the user, the patient, the query), and looking does not change what
 * is looked at: {@code custos audit}, {@code custos alerts} and the consent check give the same answer twice;
 * {@code --own} lists the trail.
 */
class OwnTrailCommandTest {
    @TempDir
    Path dir;
    String db;

    @BeforeEach
    void importEvents() throws Exception {
        db = dir.resolve("cache").toString();
        Path f = Files.writeString(dir.resolve("events.ndjson"), List.of(
                Events.event("night", "2026-03-04T22:00:00Z").user("owl", "Ozzy Owl").patient("Patient/p1", null),
                Events.event("day", "2026-03-05T11:00:00Z").user("er", "Eve Er").patient("Patient/p1", null))
                .stream().map(Events::json).collect(Collectors.joining("\n")));
        Run imp = run("import", f.toString(), "--db", db);
        assertThat(imp.code()).as(imp.err()).isZero();
    }

    /** The trail as stored (read from the cache, not through a command: that would be recorded too). */
    List<JsonNode> own() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        try (Cache cache = Cache.open(Path.of(db))) {
            for (AuditSummary s : cache.audit().page(AuditFilter.ALL.withOrigin(Origins.SELF_NAME), null, true,
                    1000)) {
                out.add(m.readTree(cache.audit().raw(s.pk()).orElseThrow()));
            }
        }
        return out;
    }

    @Test
    void eachQueryIsRecordedAndTheSameQueryGivesTheSameAnswerTwice() throws Exception {
        Run first = run("audit", "--patient", "Patient/p1", "--db", db);
        Run second = run("audit", "--patient", "Patient/p1", "--db", db);
        assertThat(first.code()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(run("audit", "--count", "--db", db).out().trim()).isEqualTo("2");
        assertThat(run("audit", "--count", "--db", db).out().trim()).isEqualTo("2");
        List<JsonNode> trail = own();
        assertThat(trail).as("the four queries").hasSize(4);
        JsonNode q = trail.stream().filter(e -> e.path("entity").size() == 2).findFirst().orElseThrow();
        assertThat(q.at("/type/code").asText()).isEqualTo("110112");
        assertThat(q.at("/subtype/0/code").asText()).isEqualTo("search-type");
        assertThat(q.at("/action").asText()).isEqualTo("E");
        assertThat(q.at("/agent/0/userId/value").asText()).isEqualTo(System.getProperty("user.name"));
        assertThat(q.at("/agent/0/requestor").asBoolean()).isTrue();
        assertThat(q.at("/agent/1/name").asText()).isEqualTo("Custos");
        assertThat(q.at("/purposeOfEvent/0/coding/0/code").asText()).isEqualTo("HCOMPL");
        assertThat(q.at("/entity/0/reference/reference").asText()).isEqualTo("Patient/p1");
        assertThat(q.at("/entity/0/role/code").asText()).isEqualTo("1");
        assertThat(q.at("/entity/1/role/code").asText()).isEqualTo("24");
        assertThat(new String(Base64.getDecoder().decode(q.at("/entity/1/query").asText()), StandardCharsets.UTF_8))
                .contains("patient=Patient/p1");
        // with --own the count includes the trail, this query too (recorded before it counts)
        assertThat(Long.parseLong(run("audit", "--count", "--own", "--db", db).out().trim())).isEqualTo(2 + 5);
    }

    @Test
    void reportsAndExportsAreRecordedAndTheRulesAndChecksDoNotSeeTheTrail() throws Exception {
        // Patient/p1 on the VIP list: a trail event about p1 that the rules judged would be a vip alert
        assertThat(run("vip", "add", "Patient/p1", "--db", db).code()).isZero();
        Run alerts1 = run("alerts", "--tz", "UTC", "--db", db);
        assertThat(alerts1.out().lines().filter(l -> l.startsWith("vip,"))).hasSize(2);
        Path pdf = dir.resolve("p1.pdf");
        Run report = run("report", "disclosures", "--patient", "Patient/p1", "--format", "pdf", "-o", pdf.toString(),
                "--db", db);
        assertThat(report.code()).as(report.err()).isZero();
        Run export = run("export", "--type", "AuditEvent", "-o", dir.resolve("all.ndjson").toString(), "--db", db);
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("all.ndjson"))).as("the export leaves the trail out").hasSize(2);
        Run alerts2 = run("alerts", "--tz", "UTC", "--db", db);
        assertThat(alerts2.out()).isEqualTo(alerts1.out());
        Run check1 = run("consent", "check", "--patient", "Patient/p1", "--db", db);
        Run check2 = run("consent", "check", "--patient", "Patient/p1", "--db", db);
        assertThat(check2.err()).isEqualTo(check1.err()).contains("checked 2 events");
        List<JsonNode> trail = own();
        assertThat(trail).extracting(e -> e.at("/type/code").asText() + " " + e.at("/outcomeDesc").asText()
                .replaceAll(" \\(.*| to .*", "")).contains("110106 custos report disclosures", "110106 custos export "
                + "AuditEvent", "110112 custos alerts", "110112 custos consent check", "110100 custos vip add");
        JsonNode rep = trail.stream().filter(e -> e.at("/outcomeDesc").asText().startsWith("custos report"))
                .findFirst().orElseThrow();
        assertThat(rep.at("/entity/0/reference/reference").asText()).isEqualTo("Patient/p1");
        assertThat(rep.at("/outcomeDesc").asText()).contains(pdf.toAbsolutePath().toString());
    }
}
