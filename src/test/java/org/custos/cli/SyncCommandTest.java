package org.custos.cli;

import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code custos sync} against the real HAPI server. */
@ExtendWith(FhirServerExtension.class)
class SyncCommandTest {

    @Test
    void syncTwiceTransfersNothingTheSecondTime(LocalFhirServer server, @TempDir Path dir) {
        server.purge();
        server.postAuditEvents(120, 31);
        String db = dir.resolve("c").toString();
        CommandLineTest.Run first = CommandLineTest.run("sync", "--server", server.baseUrl(), "--db", db,
                "--page-size", "50", "--quiet");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("AuditEvent  new 120, updated 0, unchanged 0, deleted 0, quarantined 0")
                .contains("Consent     new 0").contains("completed");

        CommandLineTest.Run second = CommandLineTest.run("sync", "--server", server.baseUrl(), "--db", db,
                "--quiet");
        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("AuditEvent  new 0, updated 0").doesNotContain("new 1");

        CommandLineTest.Run count = CommandLineTest.run("audit", "--count", "--db", db);
        assertThat(count.out().trim()).isEqualTo("120");
    }

    @Test
    void badArgumentsAndUnreachableServersAreOneLineErrors(@TempDir Path dir) {
        String db = dir.resolve("c").toString();
        CommandLineTest.Run noPassword = CommandLineTest.run("sync", "--server", "http://127.0.0.1:9/fhir",
                "--user", "u", "--db", db);
        assertThat(noPassword.code()).isEqualTo(1);
        assertThat(noPassword.err()).contains("--user needs --password-env").hasLineCount(1);

        CommandLineTest.Run unsetVar = CommandLineTest.run("sync", "--server", "http://127.0.0.1:9/fhir",
                "--token-env", "CUSTOS_TEST_NO_SUCH_VARIABLE", "--db", db);
        assertThat(unsetVar.code()).isEqualTo(1);
        assertThat(unsetVar.err()).contains("CUSTOS_TEST_NO_SUCH_VARIABLE is not set");

        CommandLineTest.Run badType = CommandLineTest.run("sync", "--server", "http://127.0.0.1:9/fhir",
                "--types", "Observation", "--db", db);
        assertThat(badType.code()).isEqualTo(1);
        assertThat(badType.err()).contains("cannot sync 'Observation'");

        CommandLineTest.Run down = CommandLineTest.run("sync", "--server", "http://127.0.0.1:9/fhir", "--db", db,
                "--types", "AuditEvent", "--quiet");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).contains("Cannot connect to http://127.0.0.1:9");
        assertThat(down.out()).contains("failed");
    }

    private static final String TOKEN = "cli-T0ken-abc-9876";

    /** {@code custos ...} with these environment variables (and no others). */
    private static CommandLineTest.Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CustosCommand.run(args, new PrintWriter(out), new PrintWriter(err), env::get);
        return new CommandLineTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void aTokenWithACarriageReturnIsRefusedByNameAndNeverPrinted(LocalFhirServer server, @TempDir Path dir) {
        String db = dir.resolve("c").toString();
        for (String bad : new String[]{TOKEN + "\r", TOKEN + "\r\n", TOKEN + "\u2028"}) {
            CommandLineTest.Run r = run(Map.of("FHIR_TOKEN", bad), "sync", "--server", server.baseUrl(),
                    "--token-env", "FHIR_TOKEN", "--db", db, "--types", "AuditEvent");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("bearer token in FHIR_TOKEN").hasLineCount(1);
            assertThat(r.out() + r.err()).doesNotContain(TOKEN).doesNotContain("cli-T0ken");
        }
        CommandLineTest.Run pw = run(Map.of("PW", TOKEN + "\n"), "sync", "--server", server.baseUrl(),
                "--user", "officer", "--password-env", "PW", "--db", db);
        assertThat(pw.code()).isEqualTo(1);
        assertThat(pw.err()).contains("password in PW").contains("line break");
        assertThat(pw.out() + pw.err()).doesNotContain(TOKEN);

        // the same token without the stray character works
        CommandLineTest.Run ok = run(Map.of("FHIR_TOKEN", TOKEN), "sync", "--server", server.baseUrl(),
                "--token-env", "FHIR_TOKEN", "--db", db, "--types", "AuditEvent", "--quiet");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out() + ok.err()).doesNotContain(TOKEN);
    }

    @Test
    void credentialsGoOverPlainHttpToAnotherHostOnlyWithAllowInsecure(@TempDir Path dir) {
        String db = dir.resolve("c").toString();
        Map<String, String> env = Map.of("FHIR_TOKEN", TOKEN);
        CommandLineTest.Run refused = run(env, "sync", "--server", "http://no-such-host.invalid/fhir",
                "--token-env", "FHIR_TOKEN", "--db", db, "--types", "AuditEvent", "--quiet");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("plain http").contains("--allow-insecure").hasLineCount(1)
                .doesNotContain(TOKEN);

        CommandLineTest.Run allowed = run(env, "sync", "--server", "http://no-such-host.invalid/fhir",
                "--token-env", "FHIR_TOKEN", "--db", db, "--types", "AuditEvent", "--quiet", "--allow-insecure");
        assertThat(allowed.code()).isEqualTo(1);
        assertThat(allowed.err()).contains("Unknown host 'no-such-host.invalid'").doesNotContain("plain http")
                .doesNotContain(TOKEN);

        // loopback needs no permission, and without credentials there is nothing to protect
        CommandLineTest.Run local = run(env, "sync", "--server", "http://127.0.0.1:9/fhir", "--token-env",
                "FHIR_TOKEN", "--db", db, "--types", "AuditEvent", "--quiet");
        assertThat(local.err()).contains("Cannot connect").doesNotContain("plain http");
        CommandLineTest.Run anonymous = run(env, "sync", "--server", "http://no-such-host.invalid/fhir",
                "--db", db, "--types", "AuditEvent", "--quiet");
        assertThat(anonymous.err()).contains("Unknown host").doesNotContain("plain http");
    }
}
