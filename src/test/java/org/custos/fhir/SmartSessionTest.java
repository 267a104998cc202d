package org.custos.fhir;

import com.sun.net.httpserver.HttpServer;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A SMART session against a real OAuth 2 server (mock-oauth2-server): the access token refreshed before it expires
 * and once after a 401, the refresh token kept when it changes, "sign in again" when the refresh is refused, and
 * signing out forgets everything.
 */
class SmartSessionTest {
    private MockOAuth2Server oauth;
    private SmartConfiguration config;
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() {
        oauth = new MockOAuth2Server();
        oauth.start();
        config = new SmartConfiguration(oauth.authorizationEndpointUrl("custos").uri(),
                oauth.tokenEndpointUrl("custos").uri(), null, List.of(), List.of("S256"), List.of(), "test");
    }

    @AfterEach
    void stop() {
        oauth.shutdown();
    }

    private SmartTokens signIn() throws Exception {
        try (SmartLogin.Pending p = new SmartLogin(Clock.systemUTC()).start(config, "custos-desktop",
                List.of("openid", "offline_access"), "http://127.0.0.1:1/fhir")) {
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(p.browserUri()).build(),
                    HttpResponse.BodyHandlers.ofString());
            browser.send(HttpRequest.newBuilder(URI.create(r.headers().firstValue("Location").orElseThrow()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return p.finish(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTokenAboutToExpireIsRefreshedAndTheNewRefreshTokenKept() throws Exception {
        SmartTokens t = signIn();
        assertThat(t.refreshToken()).as("offline_access gives a refresh token").isNotBlank();
        List<String> kept = new ArrayList<>();
        // the clock says the token expires in 30 s: the next request refreshes first
        Clock late = Clock.fixed(t.expires().minusSeconds(30), ZoneOffset.UTC);
        SmartSession s = new SmartSession(config, "custos-desktop", t, late, kept::add);
        String bearer = s.bearer();
        assertThat(bearer).isNotBlank().isNotEqualTo(t.accessToken());
        assertThat(kept.get(0)).isEqualTo(t.refreshToken());
        // a 401 to a token already replaced does not refresh again; one to the current token does
        assertThat(s.afterUnauthorized(t.accessToken())).isEqualTo(bearer);
        String third = s.afterUnauthorized(bearer);
        assertThat(third).isNotEqualTo(bearer);
        assertThat(s.shown().toString()).doesNotContain(third);
        assertThat(s.signedIn()).isTrue();
        // messages of a profile carrying the session never show its tokens, also after they were renewed
        Redactor r = Redactor.of(ServerProfile.of("smart", "https://fhir.example.org/fhir").withSession(s));
        assertThat(r.clean("The server echoed Bearer " + third + " back")).doesNotContain(third)
                .contains(Redactor.MARK);
        assertThat(r.clean("refresh " + s.secrets().get(1))).contains(Redactor.MARK);
    }

    @Test
    void aRefusedRefreshEndsTheSessionWithSignInAgain() throws Exception {
        SmartTokens t = signIn();
        List<String> kept = new ArrayList<>();
        // the refresh token was revoked meanwhile. mock-oauth2-server cannot revoke one: a stand-in token endpoint
        // answers the refresh as RFC 6749 §5.2 says an authorization server does
        HttpServer revoking = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        revoking.createContext("/token", ex -> {
            // it quotes the refresh token it was given back, as some servers do
            String form = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String given = java.net.URLDecoder.decode(form.replaceAll(".*refresh_token=([^&]*).*", "$1"),
                    java.nio.charset.StandardCharsets.UTF_8);
            byte[] b = ("{\"error\":\"invalid_grant\",\"error_description\":\"refresh token " + given
                    + " revoked\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(400, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        revoking.start();
        SmartConfiguration there = new SmartConfiguration(config.authorization(), URI.create("http://127.0.0.1:"
                + revoking.getAddress().getPort() + "/token"), null, List.of(), List.of("S256"), List.of(), "test");
        SmartSession s = new SmartSession(there, "custos-desktop", t, Clock.systemUTC(), kept::add);
        assertThatThrownBy(() -> s.afterUnauthorized(t.accessToken())).isInstanceOf(SmartException.class)
                .hasMessageContaining("sign in again").hasMessageContaining("revoked")
                .message().doesNotContain(t.refreshToken());
        assertThat(s.signedIn()).isFalse();
        assertThat(kept).last().as("the refresh token is forgotten").isNull();
        assertThatThrownBy(s::bearer).hasMessageContaining("sign in again");
        // the tokens it held are still removed from messages after the session ended
        assertThat(Redactor.of(ServerProfile.of("smart", "https://fhir.example.org/fhir").withSession(s))
                .clean("echo " + t.refreshToken())).doesNotContain(t.refreshToken());
        revoking.stop(0);
    }

    @Test
    void signingOutForgetsEverything() throws Exception {
        SmartTokens t = signIn();
        List<String> kept = new ArrayList<>();
        SmartSession s = new SmartSession(config, "custos-desktop", t, Clock.systemUTC(), kept::add);
        assertThat(s.bearer()).isEqualTo(t.accessToken());
        s.signOut();
        assertThat(kept).last().isNull();
        assertThatThrownBy(s::bearer).isInstanceOf(SmartException.class).hasMessageContaining("Not signed in");
        assertThat(Instant.now()).isNotNull();
    }

    @Test
    void aTokenEndpointThatIsDownDoesNotEndTheSession() throws Exception {
        SmartTokens t = signIn();
        List<String> kept = new ArrayList<>();
        // nothing listens there: a fault that may pass, not a refusal
        SmartConfiguration down = new SmartConfiguration(config.authorization(), URI.create("http://127.0.0.1:9/token"),
                null, List.of(), List.of("S256"), List.of(), "test");
        SmartSession s = new SmartSession(down, "custos-desktop", t, Clock.systemUTC(), kept::add);
        assertThatThrownBy(() -> s.afterUnauthorized(t.accessToken())).isInstanceOf(SmartException.class)
                .hasMessageContaining("tries again");
        assertThat(s.signedIn()).isTrue();
        assertThat(kept).as("the refresh token is kept").doesNotContainNull();
    }
}
