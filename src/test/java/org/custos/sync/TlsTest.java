package org.custos.sync;

import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.fhir.Cancellation;
import org.custos.fhir.ServerProfile;
import org.custos.fhir.TlsSettings;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.TcpRelay;
import org.custos.testserver.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS to internal servers, for real: the test server behind an https front whose certificate a private authority
 * issued. Without the profile's CA file the handshake fails and the message says why and what to do; with it the
 * sync and a write go through (verification stays on: a certificate for another name is refused); a front that wants
 * a client certificate refuses a profile without one, takes the profile's PKCS#12 file, and a wrong password is
 * named.
 */
@ExtendWith(FhirServerExtension.class)
class TlsTest {
    @TempDir
    Path dir;

    private static SyncReport sync(Cache cache, ServerProfile p) {
        return new SyncEngine(cache).sync(p.withPaging(500, Set.of("AuditEvent"), 0), new SyncEngine.Options(null,
                SyncServerTest.FAST), SyncListener.NONE, new Cancellation());
    }

    private static String message(SyncReport r) {
        return r.byType().get("AuditEvent").message;
    }

    @Test
    void aPrivateAuthorityIsTrustedOnlyThroughTheProfilesCaFile(LocalFhirServer server) throws Exception {
        server.purge();
        server.postAuditEvents(3, 61);
        TestPki pki = new TestPki("Custos test CA");
        Path caFile = pki.writeCa(dir.resolve("ca.pem"));
        try (TcpRelay https = new TcpRelay(server.port(), pki.server("127.0.0.1", null), false);
             TcpRelay wrongName = new TcpRelay(server.port(), pki.server("fhir.other.example.org", null), false);
             Cache cache = Cache.open(dir.resolve("c"))) {
            https.up();
            wrongName.up();
            ServerProfile plain = ServerProfile.of("internal", https.baseUrl())
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30));
            SyncReport refused = sync(cache, plain);
            assertThat(refused.completed()).isFalse();
            assertThat(message(refused)).contains("TLS").contains("not signed by an authority Custos trusts")
                    .contains("add its CA certificate file");

            ServerProfile trusted = plain.withTls(new TlsSettings(caFile.toString(), null, null));
            SyncReport ok = sync(cache, trusted);
            assertThat(ok.completed()).as(message(ok)).isTrue();
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(https.baseUrl()), Long.MAX_VALUE)).isEqualTo(3);

            // a write (HAPI's client) over the same TLS
            String id = org.custos.fhir.ResourceWriter.newId();
            long seq = cache.outbox().enqueue(https.baseUrl(), "Consent", id, null,
                    org.custos.testserver.TestConsents.json(id, null, "tls-write"));
            OutboxSender.Report sent = new OutboxSender(cache, new org.custos.fhir.Fhir()).send(trusted,
                    new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(sent.allSent()).as(sent.summary() + " " + cache.outbox().get(seq).orElseThrow()
                    .lastMessage()).isTrue();

            // the command line the same way
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int code = org.custos.cli.CustosCommand.run(new String[]{"sync", "--server", https.baseUrl(), "--ca-file",
                    caFile.toString(), "--types", "AuditEvent", "--db", dir.resolve("cli").toString(), "--quiet"},
                    new java.io.PrintWriter(out), new java.io.PrintWriter(err));
            assertThat(code).as(out + " " + err).isZero();

            // the same authority, a certificate for another name: refused, verification stays on
            SyncReport otherName = sync(cache, ServerProfile.of("internal", wrongName.baseUrl())
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30))
                    .withTls(new TlsSettings(caFile.toString(), null, null)));
            assertThat(otherName.completed()).isFalse();
            assertThat(message(otherName)).contains("TLS").contains("another name than 127.0.0.1");
        }
    }

    @Test
    void mutualTlsTakesTheProfilesClientCertificate(LocalFhirServer server) throws Exception {
        server.purge();
        server.postAuditEvents(2, 62);
        TestPki pki = new TestPki("Custos test CA");
        TestPki clients = new TestPki("Custos client CA");
        Path caFile = pki.writeCa(dir.resolve("ca.pem"));
        Path p12 = clients.writeClient(dir.resolve("officer.p12"), "officer", "p12-pass");
        try (TcpRelay mtls = new TcpRelay(server.port(), pki.server("127.0.0.1", clients), true);
             Cache cache = Cache.open(dir.resolve("c"))) {
            mtls.up();
            ServerProfile p = ServerProfile.of("mtls", mtls.baseUrl())
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30));
            SyncReport none = sync(cache, p.withTls(new TlsSettings(caFile.toString(), null, null)));
            assertThat(none.completed()).isFalse();
            assertThat(message(none)).contains("TLS");

            SyncReport wrongPassword = sync(cache, p.withTls(new TlsSettings(caFile.toString(), p12.toString(),
                    "not-it")));
            assertThat(wrongPassword.completed()).isFalse();
            assertThat(message(wrongPassword)).contains("officer.p12").contains("password is wrong")
                    .doesNotContain("not-it");

            SyncReport ok = sync(cache, p.withTls(new TlsSettings(caFile.toString(), p12.toString(), "p12-pass")));
            assertThat(ok.completed()).as(message(ok)).isTrue();
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(mtls.baseUrl()), Long.MAX_VALUE)).isEqualTo(2);
        }
    }
}
