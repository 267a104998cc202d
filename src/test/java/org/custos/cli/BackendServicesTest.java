package org.custos.cli;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code custos sync} unattended, with SMART Backend Services: the token endpoint discovered from the server's SMART
 * configuration, a client-credentials request carrying a JWT assertion signed RS384 (an RSA PKCS#8 key) or ES384
 * (an EC P-384 JWK) — checked here against the public key, with its claims — and the token it gets passing the
 * SMART-protected test server; a scope the server did not grant is named.
 */
@ExtendWith(FhirServerExtension.class)
class BackendServicesTest {
    private final MockOAuth2Server oauth = new MockOAuth2Server();
    private LocalFhirServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.guard().distrust();
        }
        oauth.shutdown();
    }

    private static CommandLineTest.Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CustosCommand.run(args, new PrintWriter(out), new PrintWriter(err), name -> null);
        return new CommandLineTest.Run(code, out.toString(), err.toString());
    }

    private void grant(String scope) {
        org.custos.testserver.TestAuth.grant(oauth, "custos-batch", "fhir", scope, null);
    }

    /** The token request's form parameters (the next one the authorization server received). */
    private Map<String, String> tokenRequest() throws InterruptedException {
        return org.custos.testserver.TestAuth.tokenRequest(oauth).form();
    }

    private void checkAssertion(SignedJWT jwt, JWSAlgorithm alg) throws Exception {
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(alg);
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        var c = jwt.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo("custos-batch");
        assertThat(c.getSubject()).isEqualTo("custos-batch");
        assertThat(c.getAudience()).containsExactly(oauth.tokenEndpointUrl("custos").toString());
        assertThat(c.getJWTID()).isNotBlank();
        assertThat(c.getExpirationTime().getTime() - System.currentTimeMillis()).isBetween(0L, 300_000L);
    }

    @Test
    void anUnattendedSyncSignsItsTokenRequestRs384OrEs384AndGetsTheData(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        server.postAuditEvents(3, 93);
        String db = dir.resolve("cache").toString();

        // an RSA key, PKCS#8 PEM, left readable by others: used, with a warning
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair rsa = gen.generateKeyPair();
        Path pem = dir.resolve("batch.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(rsa.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(pem, PosixFilePermissions.fromString("rw-r--r--"));
        grant("system/AuditEvent.read");
        CommandLineTest.Run ok = run("sync", "--server", server.smartBaseUrl(), "--client-id", "custos-batch",
                "--key", pem.toString(), "--types", "AuditEvent", "--db", db, "--quiet");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.err()).contains("can be read by other accounts");
        Map<String, String> form = tokenRequest();
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .containsEntry("scope", "system/AuditEvent.read");
        SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
        assertThat(assertion.verify(new RSASSAVerifier((RSAPublicKey) rsa.getPublic()))).isTrue();
        checkAssertion(assertion, JWSAlgorithm.RS384);
        try (Cache cache = Cache.open(dir.resolve("cache"))) {
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(server.smartBaseUrl()), Long.MAX_VALUE))
                    .isGreaterThanOrEqualTo(3);
        }

        // an EC P-384 JWK, private to its owner; scopes as given; Consent not granted: refused, the scope named
        ECKey ec = new ECKeyGenerator(Curve.P_384).keyID("batch-2026").generate();
        Path jwk = dir.resolve("batch.jwk");
        Files.writeString(jwk, ec.toJSONString());
        Files.setPosixFilePermissions(jwk, PosixFilePermissions.fromString("rw-------"));
        grant("system/AuditEvent.read");
        CommandLineTest.Run partly = run("sync", "--server", server.smartBaseUrl(), "--client-id", "custos-batch",
                "--key", jwk.toString(), "--scope", "system/AuditEvent.read system/Consent.read", "--types",
                "AuditEvent,Consent", "--db", db, "--quiet");
        assertThat(partly.code()).isEqualTo(1);
        assertThat(partly.err()).doesNotContain("can be read by other accounts");
        assertThat(partly.out() + partly.err()).contains("403").contains("system/Consent.read");
        SignedJWT es = SignedJWT.parse(tokenRequest().get("client_assertion"));
        assertThat(es.verify(new ECDSAVerifier(ec.toPublicJWK()))).isTrue();
        assertThat(es.getHeader().getKeyID()).isEqualTo("batch-2026");
        checkAssertion(es, JWSAlgorithm.ES384);
        assertThat(partly.out() + partly.err()).doesNotContain("eyJ");
    }

    @Test
    void eachTokenRequestCarriesAFreshAssertionAndA401GetsANewToken(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        ECKey ec = new ECKeyGenerator(Curve.P_384).keyID("batch-3").generate();
        org.custos.fhir.ClientKey key = org.custos.fhir.ClientKey.parse(ec.toJSONString(), "test key", null);
        org.custos.fhir.ServerProfile p = org.custos.fhir.ServerProfile.of("batch", server.smartBaseUrl())
                .withAuth(org.custos.fhir.ServerProfile.AuthKind.SMART, null, null)
                .withSmart(org.custos.fhir.SmartClient.of("custos-batch", ""));
        org.custos.fhir.BackendSession session = org.custos.fhir.BackendSession.discover(p, "custos-batch", key,
                List.of(), java.time.Clock.systemUTC(), new org.custos.fhir.Cancellation());
        grant("system/AuditEvent.read");
        grant("system/AuditEvent.read");
        String first = session.bearer();
        assertThat(session.bearer()).as("still good: no new request").isEqualTo(first);
        String second = session.afterUnauthorized(first);
        assertThat(second).isNotEqualTo(first);
        Map<String, String> r1 = tokenRequest();
        SignedJWT a1 = SignedJWT.parse(r1.get("client_assertion"));
        SignedJWT a2 = SignedJWT.parse(tokenRequest().get("client_assertion"));
        assertThat(a1.getJWTClaimsSet().getJWTID()).isNotEqualTo(a2.getJWTClaimsSet().getJWTID());
        // default scopes: reading each type synced, system context, nothing written
        assertThat(r1.get("scope")).isEqualTo("system/AuditEvent.read system/Consent.read system/Provenance.read");
        assertThat(session.secrets()).contains(first, second);
    }

    /**
     * {@code --key keyring:NAME}: the key kept in the system keyring ({@code custos key store}) signs as the file would;
     * a name the keyring does not hold, or no keyring at all, is said so. (The keyring here is a map; the real one
     * is exercised in {@code SecretsTest}, this command too.)
     */
    @Test
    void aKeyKeptInTheKeyringSignsAsTheFileWouldAndAMissingOneIsNamed(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        ECKey ec = new ECKeyGenerator(Curve.P_384).keyID("kept-2026").generate();
        Map<String, String> ring = new java.util.HashMap<>();
        ring.put(ServerOptions.keyEntry("batch"), ec.toJSONString());
        boolean[] present = {true};
        org.custos.fhir.SecretBackend keyring = new org.custos.fhir.SecretBackend() {
            @Override
            public java.util.Optional<String> get(String name) {
                return java.util.Optional.ofNullable(ring.get(name));
            }

            @Override
            public void put(String name, String secret) {
                ring.put(name, secret);
            }

            @Override
            public boolean keyring() {
                return present[0];
            }
        };
        SyncCommand command = new SyncCommand();
        new picocli.CommandLine(command); // the options' command, for their error messages
        ServerOptions options = command.serverOptions;
        options.keyFile = "keyring:batch";
        org.custos.fhir.ServerProfile p = org.custos.fhir.ServerProfile.of("smart", server.smartBaseUrl())
                .withAuth(org.custos.fhir.ServerProfile.AuthKind.SMART, null, null)
                .withSmart(org.custos.fhir.SmartClient.of("custos-batch", "system/AuditEvent.read"));
        grant("system/AuditEvent.read");
        StringWriter err = new StringWriter();
        org.custos.fhir.ServerProfile signed = options.signedIn(p, new PrintWriter(err), () -> keyring);
        assertThat(signed.tokens().bearer()).isNotBlank();
        SignedJWT es = SignedJWT.parse(tokenRequest().get("client_assertion"));
        assertThat(es.verify(new ECDSAVerifier(ec.toPublicJWK()))).isTrue();
        assertThat(es.getHeader().getKeyID()).isEqualTo("kept-2026");
        checkAssertion(es, JWSAlgorithm.ES384);
        assertThat(err.toString()).isEmpty();

        options.keyFile = "keyring:other";
        assertThatThrownBy(() -> options.signedIn(p, new PrintWriter(err), () -> keyring))
                .hasMessageContaining("holds no key by that name").hasMessageContaining("custos key store other");
        present[0] = false;
        options.keyFile = "keyring:batch";
        assertThatThrownBy(() -> options.signedIn(p, new PrintWriter(err), () -> keyring))
                .hasMessageContaining("no system keyring");
    }

    @Test
    void keysThatCannotServeAreRefusedByName() throws Exception {
        Path pub = dir.resolve("public.jwk");
        Files.writeString(pub, new ECKeyGenerator(Curve.P_384).generate().toPublicJWK().toJSONString());
        CommandLineTest.Run r = run("sync", "--server", "https://fhir.example.org/fhir", "--client-id", "c",
                "--key", pub.toString(), "--db", dir.resolve("c").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("public key");
        Path p256 = dir.resolve("p256.jwk");
        Files.writeString(p256, new ECKeyGenerator(Curve.P_256).generate().toJSONString());
        assertThat(run("sync", "--server", "https://fhir.example.org/fhir", "--client-id", "c", "--key",
                p256.toString(), "--db", dir.resolve("c").toString()).err()).contains("P-384");
        Path pkcs1 = dir.resolve("old.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n");
        assertThat(run("sync", "--server", "https://fhir.example.org/fhir", "--client-id", "c", "--key",
                pkcs1.toString(), "--db", dir.resolve("c").toString()).err()).contains("openssl pkcs8");
        assertThat(run("sync", "--server", "https://fhir.example.org/fhir", "--client-id", "c", "--db",
                dir.resolve("c").toString()).err()).contains("--client-id needs --key");
    }
}
