package org.custos.cli;

import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
                "--types", "Patient", "--db", db);
        assertThat(badType.code()).isEqualTo(1);
        assertThat(badType.err()).contains("cannot sync 'Patient'");

        CommandLineTest.Run down = CommandLineTest.run("sync", "--server", "http://127.0.0.1:9/fhir", "--db", db,
                "--types", "AuditEvent", "--quiet");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).contains("Cannot connect to http://127.0.0.1:9");
        assertThat(down.out()).contains("failed");
    }
}
