package org.custos.sync;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.custos.cache.AuditFilter;
import org.custos.cache.Cache;
import org.custos.fhir.Cancellation;
import org.custos.fhir.SmartConfiguration;
import org.custos.fhir.SmartLogin;
import org.custos.fhir.SmartTokens;
import org.custos.fhir.ServerProfile;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.custos.testserver.TestAuth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-process HAPI JPA server protected for real ({@code /smart/fhir}: SmartGuard checks the token's signature
 * against the authorization server's keys, its issuer and expiry, and its scopes): no token → 401, a token without
 * the scope → 403, the token of a SMART sign-in with the scope → the data, synced into the cache.
 */
@ExtendWith(FhirServerExtension.class)
class SmartServerTest {
    private final MockOAuth2Server oauth = org.custos.testserver.StrictAuthorization.server();
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

    /** Signs in (the test plays the browser); the authorization server grants {@code scope}. */
    private SmartTokens signIn(String scope) throws Exception {
        TestAuth.grant(oauth, "custos-desktop", scope, "Practitioner/officer");
        SmartConfiguration config = config();
        try (SmartLogin.Pending p = new SmartLogin(Clock.systemUTC()).start(config, "custos-desktop",
                List.of(scope.split(" ")), server.smartBaseUrl())) {
            TestAuth.follow(TestAuth.authorize(p.browserUri()));
            return p.finish(Duration.ofSeconds(10));
        }
    }

    private SmartConfiguration config() {
        return TestAuth.config(oauth);
    }

    private SyncReport sync(Cache cache, ServerProfile p, String type) {
        // pages of 2: the paging links (system-level requests) must pass the guard too
        return new SyncEngine(cache).sync(p.withPaging(2, Set.of(type), 0), new SyncEngine.Options(null,
                SyncServerTest.FAST), SyncListener.NONE, new Cancellation());
    }

    @Test
    void onlyASignedInTokenWithTheScopeGetsTheData(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        server.postAuditEvents(3, 77);
        ServerProfile open = ServerProfile.of("smart", server.smartBaseUrl())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30));
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            // no token: 401
            SyncReport none = sync(cache, open, "AuditEvent");
            assertThat(none.completed()).isFalse();
            assertThat(none.byType().get("AuditEvent").message).contains("401");

            SmartTokens t = signIn("openid fhirUser user/AuditEvent.read");
            assertThat(t.fhirUser()).isEqualTo("Practitioner/officer");
            ServerProfile signedIn = open.withAuth(ServerProfile.AuthKind.BEARER, null, t.accessToken());
            SyncReport ok = sync(cache, signedIn, "AuditEvent");
            assertThat(ok.completed()).as(ok.byType().get("AuditEvent").message).isTrue();
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(server.smartBaseUrl()), Long.MAX_VALUE))
                    .isGreaterThanOrEqualTo(3);

            // the same token for Consents, which its scopes do not name: 403
            SyncReport consents = sync(cache, signedIn, "Consent");
            assertThat(consents.completed()).isFalse();
            assertThat(consents.byType().get("Consent").message).contains("403").contains("user/Consent.read");

            // a token the trusted server did not sign: 401
            SyncReport forged = sync(cache, open.withAuth(ServerProfile.AuthKind.BEARER, null,
                    t.accessToken().substring(0, t.accessToken().length() - 4) + "AAAA"), "AuditEvent");
            assertThat(forged.completed()).isFalse();
            assertThat(forged.byType().get("AuditEvent").message).contains("401");
        }
    }

    @Test
    void aSignedInSessionRenewsItsTokenBeforeItExpiresAndOnceAfterA401(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        server.postAuditEvents(2, 78);
        SmartConfiguration config = config();
        SmartTokens t = signIn("openid offline_access user/AuditEvent.read");
        assertThat(t.refreshToken()).isNotBlank();
        ServerProfile base = ServerProfile.of("smart", server.smartBaseUrl())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30));
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            // a token the server no longer takes (revoked, say) while the refresh token is good: 401, renewed, on
            List<String> kept = new java.util.ArrayList<>();
            org.custos.fhir.SmartSession refused = new org.custos.fhir.SmartSession(config, "custos-desktop",
                    new SmartTokens("not-a-token-the-server-takes", java.time.Instant.now().plusSeconds(3600),
                            t.refreshToken(), t.idToken(), t.scopes(), t.fhirUser()), Clock.systemUTC(), kept::add);
            TestAuth.grant(oauth, "custos-desktop", "openid offline_access user/AuditEvent.read", null);
            SyncReport renewed = sync(cache, base.withSession(refused), "AuditEvent");
            assertThat(renewed.completed()).as(renewed.byType().get("AuditEvent").message).isTrue();
            assertThat(refused.bearer()).isNotEqualTo("not-a-token-the-server-takes");

            // a token that expires within the minute: renewed before the first request
            org.custos.fhir.SmartSession expiring = new org.custos.fhir.SmartSession(config, "custos-desktop",
                    new SmartTokens(t.accessToken(), java.time.Instant.now().plusSeconds(20), t.refreshToken(),
                            t.idToken(), t.scopes(), t.fhirUser()), Clock.systemUTC(), kept::add);
            TestAuth.grant(oauth, "custos-desktop", "openid offline_access user/AuditEvent.read", null);
            SyncReport early = sync(cache, base.withSession(expiring), "AuditEvent");
            assertThat(early.completed()).as(early.byType().get("AuditEvent").message).isTrue();
            assertThat(expiring.bearer()).isNotEqualTo(t.accessToken());
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(server.smartBaseUrl()), Long.MAX_VALUE))
                    .isGreaterThanOrEqualTo(2);
        }
    }

    /**
     * A refresh token revoked at the authorization server (by an administrator, or by the user elsewhere) while the
     * server no longer takes the access token: the sync stops with "sign in again", what was synced before stays,
     * and the session is over (the keeper is told to forget the refresh token).
     */
    @Test
    void aRevokedRefreshTokenStopsTheSyncWithSignInAgainAndKeepsWhatWasSynced(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        server.postAuditEvents(2, 79);
        SmartTokens t = signIn("openid offline_access user/AuditEvent.read");
        List<String> kept = new java.util.ArrayList<>();
        org.custos.fhir.SmartSession session = new org.custos.fhir.SmartSession(config(), "custos-desktop", t,
                Clock.systemUTC(), kept::add);
        ServerProfile p = ServerProfile.of("smart", server.smartBaseUrl())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30));
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            SyncReport first = sync(cache, p.withSession(session), "AuditEvent");
            assertThat(first.completed()).as(first.byType().get("AuditEvent").message).isTrue();
            long stored = cache.audit().count(AuditFilter.ALL.withOrigin(server.smartBaseUrl()), Long.MAX_VALUE);
            assertThat(stored).isGreaterThanOrEqualTo(2);

            java.net.http.HttpResponse<String> revoked = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(oauth.url("custos/revoke").uri())
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + t.refreshToken()
                                    + "&token_type_hint=refresh_token&client_id=custos-desktop")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
            org.custos.fhir.SmartSession stale = new org.custos.fhir.SmartSession(config(), "custos-desktop",
                    new SmartTokens("not-a-token-the-server-takes", java.time.Instant.now().plusSeconds(3600),
                            t.refreshToken(), t.idToken(), t.scopes(), t.fhirUser()), Clock.systemUTC(), kept::add);
            server.postAuditEvents(2, 80);
            SyncReport after = sync(cache, p.withSession(stale), "AuditEvent");
            assertThat(after.completed()).isFalse();
            assertThat(after.byType().get("AuditEvent").message).contains("sign in again");
            assertThat(cache.audit().count(AuditFilter.ALL.withOrigin(server.smartBaseUrl()), Long.MAX_VALUE))
                    .isEqualTo(stored);
            assertThatThrownBy(stale::bearer).hasMessageContaining("sign in again");
            assertThat(kept).as("the keeper is told to forget the refresh token").endsWith((String) null);
        }
    }

    @Test
    void aSignedInSessionWritesFromTheOutboxWithItsToken(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        SmartConfiguration config = config();
        ServerProfile base = ServerProfile.of("smart", server.smartBaseUrl())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30));
        String a = org.custos.fhir.ResourceWriter.newId();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            long seq = cache.outbox().enqueue(server.smartBaseUrl(), "Consent", a, null,
                    org.custos.testserver.TestConsents.json(a, null, "smart-write"));
            // a session that may only read Consents: the write is refused (403) and waits
            SmartTokens reader = signIn("openid offline_access user/Consent.read");
            OutboxSender.Report refused = new OutboxSender(cache, new org.custos.fhir.Fhir()).send(
                    base.withSession(new org.custos.fhir.SmartSession(config, "custos-desktop", reader,
                            Clock.systemUTC(), null)), new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(refused.sent()).isZero();
            assertThat(cache.outbox().get(seq).orElseThrow().lastMessage()).contains("403")
                    .contains("Writing Consent needs the scope user/Consent.write")
                    .doesNotContain(reader.accessToken());
            // one that may write: the same entry goes
            SmartTokens writer = signIn("openid offline_access user/Consent.read user/Consent.write");
            OutboxSender.Report sent = new OutboxSender(cache, new org.custos.fhir.Fhir()).send(
                    base.withSession(new org.custos.fhir.SmartSession(config, "custos-desktop", writer,
                            Clock.systemUTC(), null)), new Cancellation(), OutboxSender.Listener.NONE);
            assertThat(sent.allSent()).as(sent.summary()).isTrue();
            assertThat(cache.outbox().get(seq).orElseThrow().status()).isEqualTo(
                    org.custos.cache.OutboxStore.Status.SENT);
        }
    }

    @Test
    void aNextLinkToAnotherHostGetsNoToken(LocalFhirServer s) throws Exception {
        server = s;
        oauth.start();
        server.guard().trust(oauth, "custos");
        server.postAuditEvents(5, 79);
        // a host that records every request made to it
        java.util.List<String> foreignSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer foreign = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        foreign.createContext("/", ex -> {
            foreignSaw.add(ex.getRequestURI() + " Authorization: " + ex.getRequestHeaders().getFirst("Authorization"));
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        foreign.start();
        SmartTokens t = signIn("openid offline_access user/AuditEvent.read");
        try (FaultProxy proxy = new FaultProxy(server.smartBaseUrl()); Cache cache = Cache.open(dir.resolve("c"))) {
            String foreignBase = "http://127.0.0.1:" + foreign.getAddress().getPort() + "/smart/fhir";
            proxy.fault(FaultProxy.searchOf("AuditEvent"), 1, FaultProxy.Fault.REWRITE).rewrite =
                    body -> body.replace(proxy.baseUrl() + "?_getpages", foreignBase + "?_getpages");
            org.custos.fhir.SmartSession session = new org.custos.fhir.SmartSession(config(), "custos-desktop", t,
                    Clock.systemUTC(), null);
            SyncReport r = sync(cache, ServerProfile.of("smart", proxy.baseUrl())
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(30)).withSession(session), "AuditEvent");
            assertThat(r.completed()).isFalse();
            assertThat(r.byType().get("AuditEvent").message).contains("127.0.0.1:" + foreign.getAddress().getPort())
                    .doesNotContain(t.accessToken());
            // the first page came through the proxy with the token; the foreign host was never asked
            assertThat(proxy.seen()).isNotEmpty();
            assertThat(foreignSaw).isEmpty();
        } finally {
            foreign.stop(0);
        }
    }
}
