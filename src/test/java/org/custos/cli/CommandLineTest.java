package org.custos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a script would use it: output, exit codes, one-line errors. */
class CommandLineTest {
    @TempDir
    static Path dir;
    static String db;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CustosCommand.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void demoLog() {
        db = dir.resolve("cli-cache").toString();
        Path demo = dir.resolve("demo.ndjson.gz");
        Run gen = run("demo", "--events", "1500", "--seed", "3", "-o", demo.toString());
        assertThat(gen.code()).isZero();
        Run imp = run("import", demo.toString(), "--db", db);
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("AuditEvent: 1500 new, 0 updated, 0 unchanged, 0 quarantined")
                .contains("Patient: 500 new, 0 updated, 0 unchanged, 0 quarantined");
        assertThat(run("import", demo.toString(), "--db", db).out())
                .contains("AuditEvent: 0 new, 0 updated, 1500 unchanged, 0 quarantined");
    }

    /** The launcher sends the command line only the words it knows: every subcommand must be among them. */
    @Test
    void theLauncherKnowsEverySubcommand() {
        picocli.CommandLine cl = new picocli.CommandLine(new CustosCommand());
        assertThat(CustosCommand.COMMANDS).containsAll(cl.getSubcommands().keySet());
    }

    @Test
    void importOfTheSharedExamplesAndItsExitCodes() throws IOException {
        String other = dir.resolve("examples-cache").toString();
        List<String> args = new ArrayList<>(List.of("import"));
        try (var files = Files.list(TestData.examples().resolve("auditevent"))) {
            files.sorted().forEach(f -> args.add(f.toString()));
        }
        args.addAll(List.of("--db", other));
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("AuditEvent: ").contains("0 quarantined");

        Path bad = dir.resolve("bad.ndjson");
        Files.writeString(bad, "{\"resourceType\":\"AuditEvent\",\"id\":\"x1\",\"recorded\":\"2024-01-01T00:00:00Z\"}\n"
                + "nonsense\n");
        Run partly = run("import", bad.toString(), "--db", other);
        assertThat(partly.code()).isEqualTo(2);
        assertThat(partly.out()).contains("AuditEvent: 1 new").contains("1 quarantined");
        assertThat(partly.err()).contains("line 2: Not valid JSON");

        Run missing = run("import", dir.resolve("nope.json").toString(), "--db", other);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read").contains("nope.json");
    }

    @Test
    void auditFiltersCountsAndFormats() throws IOException {
        Run all = run("audit", "--count", "--db", db);
        assertThat(all.out().trim()).isEqualTo("1500");

        Run csv = run("audit", "--limit", "5", "--db", db);
        List<String> lines = csv.out().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo(
                "recorded,origin,id,type,subtype,action,outcome,agents,patients,entities,source,purposes,flags");

        Run failed = run("audit", "--outcome", "4", "--action", "E", "--format", "json", "--db", db);
        JsonNode arr = new ObjectMapper().readTree(failed.out());
        assertThat(arr.isArray()).isTrue();
        assertThat(arr.size()).isPositive();
        arr.forEach(e -> {
            assertThat(e.get("outcome").asText()).isEqualTo("4");
            assertThat(e.get("action").asText()).isEqualTo("E");
        });
        // newest first
        for (int i = 1; i < arr.size(); i++) {
            assertThat(arr.get(i - 1).get("recorded").asText()).isGreaterThanOrEqualTo(arr.get(i).get("recorded")
                    .asText());
        }
        // the same patient filter as the browser: count = rows
        String patient = arr.size() > 0 ? firstPatient(db) : null;
        Run count = run("audit", "--patient", patient, "--count", "--db", db);
        Run rows = run("audit", "--patient", patient, "--db", db);
        assertThat(rows.out().lines().count() - 1).isEqualTo(Long.parseLong(count.out().trim())).isPositive();
        assertThat(run("audit", "--from", "2000-01-01", "--to", "2000-01-02", "--count", "--db", db).out().trim())
                .isEqualTo("0");
    }

    private static String firstPatient(String db) {
        Run r = run("audit", "--action", "R", "--limit", "1", "--format", "json", "--db", db);
        try {
            return new ObjectMapper().readTree(r.out()).get(0).get("patients").asText().split(";")[0];
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void exportWritesWhatIsStored() throws IOException {
        Path out = dir.resolve("export.ndjson");
        Run r = run("export", "--type", "AuditEvent", "-o", out.toString(), "--db", db);
        assertThat(r.code()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(1500).allMatch(l -> l.startsWith("{\"resourceType\":\"AuditEvent\""));
        Path json = dir.resolve("export.json");
        assertThat(run("export", "--type", "AuditEvent", "--format", "json", "-o", json.toString(), "--db", db).code())
                .isZero();
        JsonNode bundle = new ObjectMapper().readTree(json.toFile());
        assertThat(bundle.get("resourceType").asText()).isEqualTo("Bundle");
        assertThat(bundle.get("entry").size()).isEqualTo(1500);
        assertThat(run("export", "--type", "Consent", "--db", db).out()).isEmpty();
        Run compact = run("compact", "--db", db);
        assertThat(compact.code()).isZero();
        assertThat(compact.out()).startsWith("Compacted ").contains(" KB -> ");
        assertThat(run("audit", "--count", "--db", db).out().trim()).isEqualTo("1500");
    }

    @Test
    void badArgumentsGiveOneLineAndExitOne() {
        for (String[] args : new String[][]{{"audit", "--action", "X"}, {"audit", "--outcome", "3"},
                {"audit", "--from", "yesterday"}, {"audit", "--bogus"}, {"export", "--type", "Patient"},
                {"export"}, {"demo", "-o", "x.txt"}, {"import"}, {"frobnicate"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err().trim().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("custos");
        }
        assertThat(run("--version").out()).startsWith("Custos ").contains("HAPI FHIR 8.6.1");
        Run help = run("audit", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--patient").contains("--purpose");
    }

    @Test
    void anUpgradeOfTheCacheIsSaidOnStderr() throws Exception {
        Path db = dir.resolve("old.mv.db");
        try (var in = new java.util.zip.GZIPInputStream(CommandLineTest.class.getResourceAsStream(
                "/caches/cache-v3.mv.db.gz"))) {
            java.nio.file.Files.copy(in, db);
        }
        Run r = run("audit", "--count", "--db", db.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().trim()).isEqualTo("2007");
        assertThat(r.err()).startsWith("custos audit: The cache was upgraded from schema version 3 to ");
        assertThat(run("audit", "--count", "--db", db.toString()).err()).isEmpty();
    }

    @Test
    void aSecondProcessOnTheSameCacheGetsAClearMessage() throws Exception {
        Path shared = dir.resolve("locked");
        try (Cache held = Cache.open(shared)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "org.custos.app.Launcher", "audit", "--count", "--db", shared.toString())
                    .redirectErrorStream(false).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(err).isEqualTo(1);
            assertThat(err).contains("is in use by another Custos process").doesNotContain("Exception")
                    .doesNotContain("\tat ");
            assertThat(held.audit().count(org.custos.cache.AuditFilter.ALL, 1)).isZero();
        }
        assertThat(new File(shared + ".mv.db")).exists();
    }

    @Test
    void originsFlagsAndHistoryOnTheCommandLine() throws IOException {
        String other = dir.resolve("history-cache").toString();
        String v1 = "{\"resourceType\":\"AuditEvent\",\"id\":\"h1\",\"meta\":{\"versionId\":\"1\"},"
                + "\"recorded\":\"2025-01-01T00:00:00Z\",\"outcome\":\"0\",\"agent\":[{\"name\":\"=cmd|' /C calc'!A0\"}]}";
        String v2 = v1.replace("\"versionId\":\"1\"", "\"versionId\":\"2\"").replace("\"outcome\":\"0\"",
                "\"outcome\":\"8\"");
        Path first = dir.resolve("h-v1.json");
        Path second = dir.resolve("h-v2.json");
        Files.writeString(first, v1);
        Files.writeString(second, v2);
        assertThat(run("import", first.toString(), "--origin", "https://EHR.example/fhir/", "--db", other).code())
                .isZero();
        assertThat(run("import", first.toString(), "--db", other).code()).isZero(); // the same id, origin "files"
        Run changed = run("import", second.toString(), "--origin", "https://ehr.example/fhir", "--db", other);
        assertThat(changed.out()).contains("AuditEvent: 0 new, 1 updated, 0 unchanged, 0 quarantined");

        assertThat(run("audit", "--count", "--db", other).out().trim()).isEqualTo("2");
        assertThat(run("audit", "--count", "--origin", "files", "--db", other).out().trim()).isEqualTo("1");
        assertThat(run("audit", "--count", "--flagged", "--db", other).out().trim()).isEqualTo("1");
        Run flagged = run("audit", "--flagged", "--format", "json", "--db", other);
        JsonNode rows = new ObjectMapper().readTree(flagged.out());
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.get("origin").asText()).isEqualTo("https://ehr.example/fhir");
            assertThat(r.get("flags").asText()).isEqualTo("changed on server");
            assertThat(r.get("outcome").asText()).isEqualTo("8");
        });
        // a CSV cell that a spreadsheet would run as a formula is written as text
        Run csv = run("audit", "--origin", "files", "--db", other);
        assertThat(csv.out()).contains("'=cmd|' /C calc'!A0").doesNotContain(",=cmd");
        Run unknown = run("audit", "--origin", "nowhere", "--db", other);
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no origin 'nowhere'").contains("https://ehr.example/fhir");

        Run ambiguous = run("history", "AuditEvent/h1", "--db", other);
        assertThat(ambiguous.code()).isEqualTo(1);
        assertThat(ambiguous.err()).contains("2 origins").contains("--origin");
        Run history = run("history", "AuditEvent/h1", "--origin", "https://ehr.example/fhir", "--db", other);
        assertThat(history.code()).as(history.err()).isZero();
        List<String> lines = history.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(new ObjectMapper().readTree(lines.get(0)).path("meta").path("versionId").asText()).isEqualTo("2");
        assertThat(new ObjectMapper().readTree(lines.get(1)).path("meta").path("versionId").asText()).isEqualTo("1");
        assertThat(history.err()).contains("2 version(s)").contains("changed");
        assertThat(run("history", "AuditEvent/h1", "--origin", "files", "--db", other).out().lines()).hasSize(1);
        assertThat(run("history", "AuditEvent/none", "--db", other).code()).isEqualTo(1);

        // verify: intact, its head written to a file readable only by the user, and an export likewise
        Path head = dir.resolve("head.txt");
        Run verified = run("verify", "--head-out", head.toString(), "--db", other);
        assertThat(verified.code()).as(verified.out()).isZero();
        assertThat(verified.out()).startsWith("intact").contains("head ");
        assertThat(Files.readString(head).trim()).matches("\\d+:[0-9a-f]{64}");
        assertThat(run("verify", "--head", Files.readString(head).trim(), "--db", other).code()).isZero();
        assertThat(run("verify", "--head", "1:" + "0".repeat(64), "--db", other).code()).isEqualTo(3);
        Path export = dir.resolve("export.ndjson");
        assertThat(run("export", "--type", "AuditEvent", "-o", export.toString(), "--db", other).code()).isZero();
        for (Path p : List.of(head, export)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                    .as(p.toString()).isEqualTo("rw-------");
        }
        assertThat(run("history", "Patient/1", "--db", other).code()).isEqualTo(1);
    }
}
