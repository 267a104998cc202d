package org.custos.fhir;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.sun.net.httpserver.HttpServer;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.custos.testserver.TestAuth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SMART standalone sign-in against a real OAuth 2 / OpenID Connect server (mock-oauth2-server, in process): the
 * discovery from the FHIR base, the authorization code flow with PKCE S256 and a checked state over a loopback
 * redirect, the test playing the browser; and the attacks the flow must refuse.
 */
class SmartLoginTest {
    private MockOAuth2Server oauth;
    private HttpServer fhir;
    private String base;
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final SmartLogin login = new SmartLogin(Clock.systemUTC());

    @BeforeEach
    void start() throws Exception {
        oauth = org.custos.testserver.StrictAuthorization.server();
        oauth.start();
        // a FHIR base that publishes its SMART configuration (the authorization server is the real one above)
        fhir = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String config = "{\"authorization_endpoint\":\"" + oauth.authorizationEndpointUrl("custos") + "\","
                + "\"token_endpoint\":\"" + oauth.tokenEndpointUrl("custos") + "\","
                + "\"code_challenge_methods_supported\":[\"S256\"],"
                + "\"capabilities\":[\"launch-standalone\",\"client-public\",\"sso-openid-connect\"]}";
        serve(fhir, "/fhir/.well-known/smart-configuration", "application/json", config);
        fhir.start();
        base = "http://127.0.0.1:" + fhir.getAddress().getPort() + "/fhir";
    }

    /** {@code server} answers GET {@code path} with {@code body}. */
    static void serve(HttpServer server, String path, String contentType, String body) {
        server.createContext(path, ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", contentType);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
    }

    @AfterEach
    void stop() {
        fhir.stop(0);
        oauth.shutdown();
    }

    private SmartConfiguration discover() {
        return SmartConfiguration.discover(new FhirHttp(ServerProfile.of("smart", base), RetryPolicy.ONCE,
                new Cancellation(), null));
    }

    /** The browser: goes to the authorization endpoint, which sends it back to the redirect; returns that URL. */
    private URI authorize(URI browserUri) throws Exception {
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(browserUri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(300, 399);
        return URI.create(r.headers().firstValue("Location").orElseThrow());
    }

    private String follow(URI back) throws Exception {
        return browser.send(HttpRequest.newBuilder(back).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void signInWithPkceAndStateOverTheLoopbackGivesTokens() throws Exception {
        SmartConfiguration config = discover();
        assertThat(config.authorization().toString()).isEqualTo(oauth.authorizationEndpointUrl("custos").toString());
        try (SmartLogin.Pending p = login.start(config, "custos-desktop", List.of("openid", "fhirUser",
                "offline_access", "user/AuditEvent.read"), base)) {
            Map<String, String> q = query(p.browserUri());
            assertThat(q).containsEntry("code_challenge_method", "S256").containsEntry("aud", base)
                    .containsEntry("response_type", "code").containsEntry("client_id", "custos-desktop");
            assertThat(q.get("state")).hasSizeGreaterThanOrEqualTo(40); // 256 random bits, base64url
            assertThat(p.redirectUri().toString()).startsWith("http://127.0.0.1:");
            URI back = authorize(p.browserUri());
            assertThat(back.toString()).startsWith(p.redirectUri().toString());
            assertThat(follow(back)).contains("You can close this tab");
            SmartTokens t = p.finish(Duration.ofSeconds(10));
            assertThat(t.accessToken()).isNotBlank();
            assertThat(t.idToken()).isNotBlank();
            assertThat(t.expires()).isAfter(java.time.Instant.now());
            assertThat(t.toString()).doesNotContain(t.accessToken());
        }
    }

    /**
     * Anyone on this machine can reach the loopback port: an answer with another state is turned away and does not
     * end the sign-in; the real one, after it, completes it.
     */
    @Test
    void aConfidentialClientAuthenticatesWithItsSecretAndIsToldWhoSignedIn() throws Exception {
        org.custos.testserver.TestAuth.grant(oauth, "custos-desktop", "openid", "Practitioner/conf-1");
        try (SmartLogin.Pending p = login.start(discover(), "custos-desktop", "client-s3cret",
                List.of("openid", "fhirUser", "user/AuditEvent.read"), base)) {
            follow(authorize(p.browserUri()));
            SmartTokens t = p.finish(Duration.ofSeconds(10));
            // the id token names the user; its audience is checked against the client id of the authentication
            assertThat(t.fhirUser()).isEqualTo("Practitioner/conf-1");
        }
        // the token request authenticated with HTTP Basic: id and secret
        assertThat(org.custos.testserver.TestAuth.tokenRequest(oauth).authorization()).isEqualTo("Basic "
                + java.util.Base64.getEncoder().encodeToString(
                "custos-desktop:client-s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void theCodeGoesOnlyWithTheVerifierOfTheChallengeSentWithTheBrowser() throws Exception {
        String challenge;
        try (SmartLogin.Pending p = login.start(discover(), "custos-desktop", List.of("openid"), base)) {
            challenge = query(p.browserUri()).get("code_challenge");
            follow(authorize(p.browserUri()));
            p.finish(Duration.ofSeconds(10));
        }
        Map<String, String> form = org.custos.testserver.TestAuth.tokenRequest(oauth).form();
        // RFC 7636 S256: the challenge is BASE64URL(SHA-256(verifier)); a verifier of 43+ characters
        String verifier = form.get("code_verifier");
        assertThat(verifier).hasSizeGreaterThanOrEqualTo(43);
        String computed = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII)));
        assertThat(computed).isEqualTo(challenge);
        assertThat(form).containsEntry("grant_type", "authorization_code").containsKey("redirect_uri");
    }

    @Test
    void anAnswerWithAnotherStateIsTurnedAway() throws Exception {
        try (SmartLogin.Pending p = login.start(discover(), "custos-desktop", List.of("openid"), base)) {
            URI back = authorize(p.browserUri());
            String forged = back.toString().replaceAll("state=[^&]+", "state=forged-by-someone-else");
            assertThat(follow(URI.create(forged))).contains("not the answer Custos is waiting for");
            assertThat(follow(back)).contains("You can close this tab");
            assertThat(p.finish(Duration.ofSeconds(10)).accessToken()).isNotBlank();
        }
    }

    @Test
    void theServerRefusesACodeWithAWrongVerifierOrUsedTwice() throws Exception {
        SmartConfiguration config = discover();
        try (SmartLogin.Pending p = login.start(config, "custos-desktop", List.of("openid"), base)) {
            Map<String, String> back = query(authorize(p.browserUri()));
            TokenRequest wrong = new TokenRequest(config.token(), new ClientID("custos-desktop"),
                    new AuthorizationCodeGrant(new AuthorizationCode(back.get("code")), p.redirectUri(),
                            new CodeVerifier()));
            assertThatThrownBy(() -> SmartLogin.exchange(wrong, Clock.systemUTC())).isInstanceOf(SmartException.class)
                    .hasMessageContaining("refused");
        }
    }

    /**
     * A program that caught the code on its way back cannot use it: without the verifier, which never left Custos,
     * the server refuses it; once Custos redeemed it, it is spent, even with the verifier. (The authorization server
     * here keeps those two rules, which mock-oauth2-server 2.1.10 leaves out: {@code StrictAuthorization}.)
     */
    @Test
    void aCaughtCodeIsOfNoUseWithoutItsVerifierNorOnceCustosRedeemedIt() throws Exception {
        SmartConfiguration config = discover();
        try (SmartLogin.Pending p = login.start(config, "custos-desktop", List.of("openid"), base)) {
            URI back = authorize(p.browserUri());
            String code = query(back).get("code");
            TokenRequest caught = new TokenRequest(config.token(), new ClientID("custos-desktop"),
                    new AuthorizationCodeGrant(new AuthorizationCode(code), p.redirectUri()));
            assertThatThrownBy(() -> SmartLogin.exchange(caught, Clock.systemUTC())).isInstanceOf(SmartException.class)
                    .hasMessageContaining("refused").hasMessageContaining("without its pkce verifier");
            follow(back);
            assertThat(p.finish(Duration.ofSeconds(10)).accessToken()).isNotBlank();
            TestAuth.TokenRequest custos;
            do {
                custos = TestAuth.tokenRequest(oauth);
            } while (custos.form().get("code_verifier") == null);
            TokenRequest replayed = new TokenRequest(config.token(), new ClientID("custos-desktop"),
                    new AuthorizationCodeGrant(new AuthorizationCode(code), p.redirectUri(),
                            new CodeVerifier(custos.form().get("code_verifier"))));
            assertThatThrownBy(() -> SmartLogin.exchange(replayed, Clock.systemUTC()))
                    .isInstanceOf(SmartException.class).hasMessageContaining("redeemed before");
        }
    }

    /**
     * The code can only come back to this machine: the redirect the authorization server is given is the loopback IP
     * literal (not a name a resolver could point elsewhere), and the listener is not reachable from another
     * interface of this machine.
     */
    @Test
    void theRedirectIsTheLoopbackAddressAndNothingElseListens() throws Exception {
        SmartConfiguration config = discover();
        try (SmartLogin.Pending p = login.start(config, "custos-desktop", List.of("openid"), base)) {
            URI redirect = URI.create(query(p.browserUri()).get("redirect_uri"));
            assertThat(redirect.getScheme()).isEqualTo("http");
            assertThat(redirect.getHost()).isEqualTo("127.0.0.1");
            assertThat(redirect).isEqualTo(p.redirectUri());
            java.util.Optional<InetAddress> other = java.util.Collections.list(
                    java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(n -> java.util.Collections.list(n.getInetAddresses()).stream())
                    .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
            org.junit.jupiter.api.Assumptions.assumeTrue(other.isPresent(), "no other interface on this machine");
            try (java.net.Socket socket = new java.net.Socket()) {
                assertThatThrownBy(() -> socket.connect(new InetSocketAddress(other.get(), redirect.getPort()), 2000))
                        .isInstanceOf(java.io.IOException.class);
            }
        }
    }

    @Test
    void endpointsOverPlainHttpToAnotherMachineAreRefused() {
        SmartConfiguration remote = SmartConfiguration.fromWellKnown(new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("authorization_endpoint", "http://auth.example.org/authorize")
                .put("token_endpoint", "https://auth.example.org/token"), "test");
        assertThatThrownBy(() -> login.start(remote, "c", List.of("openid"), base))
                .isInstanceOf(SmartException.class).hasMessageContaining("not https");
        SmartConfiguration plain = SmartConfiguration.fromWellKnown(new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("authorization_endpoint", "https://auth.example.org/authorize")
                .put("token_endpoint", "https://auth.example.org/token").set("code_challenge_methods_supported",
                        new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode().add("plain")), "test");
        assertThatThrownBy(() -> login.start(plain, "c", List.of("openid"), base))
                .isInstanceOf(SmartException.class).hasMessageContaining("S256");
        // discovery itself only over https (or on this machine): nothing is asked of a plain-http server elsewhere
        assertThatThrownBy(() -> SmartConfiguration.discover(new FhirHttp(ServerProfile.of("far",
                "http://fhir.example.org/fhir"), RetryPolicy.ONCE, new Cancellation(), null)))
                .isInstanceOf(SmartException.class).hasMessageContaining("plain http");
    }

    /**
     * A code seen once (an earlier sign-in's redirect) brought back to a new sign-in is turned away by its state.
     * (mock-oauth2-server itself takes a code twice; an authorization server that keeps codes single-use refuses the
     * replay at its token endpoint as well.)
     */
    @Test
    void aReplayedCodeIsRefused() throws Exception {
        SmartConfiguration config = discover();
        URI earlier;
        try (SmartLogin.Pending first = login.start(config, "custos-desktop", List.of("openid"), base)) {
            earlier = authorize(first.browserUri());
            follow(earlier);
            assertThat(first.finish(Duration.ofSeconds(10)).accessToken()).isNotBlank();
        }
        try (SmartLogin.Pending second = login.start(config, "custos-desktop", List.of("openid"), base)) {
            assertThat(follow(URI.create(second.redirectUri() + "?" + earlier.getRawQuery())))
                    .contains("not the answer Custos is waiting for");
            assertThatThrownBy(() -> second.finish(Duration.ofSeconds(2))).isInstanceOf(SmartException.class)
                    .hasMessageContaining("did not come back");
        }
    }

    @Test
    void anStu3ServerNamesItsAuthorizationServerInItsCapabilityStatement() throws Exception {
        HttpServer stu3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String cs = "{\"resourceType\":\"CapabilityStatement\",\"fhirVersion\":\"3.0.2\",\"rest\":[{\"mode\":"
                + "\"server\",\"security\":{\"extension\":[{\"url\":\"" + SmartConfiguration.OAUTH_URIS + "\","
                + "\"extension\":[{\"url\":\"authorize\",\"valueUri\":\"" + oauth.authorizationEndpointUrl("custos")
                + "\"},{\"url\":\"token\",\"valueUri\":\"" + oauth.tokenEndpointUrl("custos") + "\"}]}]}}]}";
        serve(stu3, "/fhir/metadata", "application/fhir+json", cs);
        stu3.start();
        try {
            String stu3Base = "http://127.0.0.1:" + stu3.getAddress().getPort() + "/fhir";
            SmartConfiguration c = SmartConfiguration.discover(new FhirHttp(ServerProfile.of("stu3", stu3Base),
                    RetryPolicy.ONCE, new Cancellation(), null));
            assertThat(c.token().toString()).isEqualTo(oauth.tokenEndpointUrl("custos").toString());
            assertThat(c.source()).endsWith("/metadata (oauth-uris)");
            try (SmartLogin.Pending p = login.start(c, "custos-desktop", List.of("openid"), stu3Base)) {
                follow(authorize(p.browserUri()));
                assertThat(p.finish(Duration.ofSeconds(10)).accessToken()).isNotBlank();
            }
        } finally {
            stu3.stop(0);
        }
    }

    @Test
    void aServerWithoutSmartSaysSo() {
        String none = "http://127.0.0.1:" + fhir.getAddress().getPort() + "/nothing";
        assertThatThrownBy(() -> SmartConfiguration.discover(new FhirHttp(ServerProfile.of("none", none),
                RetryPolicy.ONCE, new Cancellation(), null))).isInstanceOf(SmartException.class)
                .hasMessageContaining("says nothing of SMART sign-in");
    }

    private static Map<String, String> query(URI u) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String part : u.getRawQuery().split("&")) {
            int eq = part.indexOf('=');
            out.put(java.net.URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
