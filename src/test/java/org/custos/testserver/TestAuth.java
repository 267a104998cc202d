package org.custos.testserver;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the SMART tests do with the real authorization server (mock-oauth2-server, issuer "custos"): play the system
 * browser, say what the next token grants, read the token requests it received.
 */
public final class TestAuth {
    private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private TestAuth() {
    }

    /** The browser at the authorization endpoint: where the server sends it back (a redirect it answers with). */
    public static URI authorize(URI browserUri) throws Exception {
        HttpResponse<String> r = BROWSER.send(HttpRequest.newBuilder(browserUri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 300 || r.statusCode() > 399) {
            throw new IllegalStateException("The authorization server answered " + r.statusCode() + ": " + r.body());
        }
        return URI.create(r.headers().firstValue("Location").orElseThrow());
    }

    /** The browser following a link: the page it shows. */
    public static String follow(URI uri) throws Exception {
        return BROWSER.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The system browser as the app opens it: signs in at once and comes back, in the background. */
    public static void browse(URI browserUri) {
        CompletableFuture.runAsync(() -> {
            try {
                follow(authorize(browserUri));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The next token issued (for {@code audience}) grants {@code scope} and names {@code fhirUser} (null: nobody). */
    public static void grant(MockOAuth2Server oauth, String audience, String scope, String fhirUser) {
        grant(oauth, "officer", audience, scope, fhirUser);
    }

    /** As above, for the subject {@code subject} (a backend client, say). */
    public static void grant(MockOAuth2Server oauth, String subject, String audience, String scope, String fhirUser) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("scope", scope);
        if (fhirUser != null) {
            claims.put("fhirUser", fhirUser);
        }
        oauth.enqueueCallback(new DefaultOAuth2TokenCallback("custos", subject, "JWT", List.of(audience), claims,
                3600));
    }

    /**
     * The next token issued is a patient's: {@code scope} (patient-level ones, {@code patient/Consent.read}…), the
     * patient context {@code patientId} as a claim (what the FHIR server's compartment check reads) and
     * {@code fhirUser} {@code Patient/<patientId>}.
     */
    public static void grantPatient(MockOAuth2Server oauth, String audience, String scope, String patientId) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("scope", scope);
        claims.put("patient", patientId);
        claims.put("fhirUser", "Patient/" + patientId);
        oauth.enqueueCallback(new DefaultOAuth2TokenCallback("custos", "patient-" + patientId, "JWT",
                List.of(audience), claims, 3600));
    }

    /** The authorization server's endpoints (issuer {@code custos}), as discovery would name them. */
    public static org.custos.fhir.SmartConfiguration config(MockOAuth2Server oauth) {
        return new org.custos.fhir.SmartConfiguration(oauth.authorizationEndpointUrl("custos").uri(),
                oauth.tokenEndpointUrl("custos").uri(), null, List.of(), List.of("S256"), List.of(), "test");
    }

    /** A token request the authorization server received: its form parameters and its Authorization header. */
    public record TokenRequest(Map<String, String> form, String authorization) {
    }

    /** The next token request the authorization server received (earlier other requests are passed over). */
    public static TokenRequest tokenRequest(MockOAuth2Server oauth) throws InterruptedException {
        RecordedRequest r;
        do {
            r = oauth.takeRequest(5, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no token request reached the authorization server");
            }
        } while (r.getPath() == null || !r.getPath().endsWith("/token"));
        Map<String, String> form = new HashMap<>();
        for (String pair : r.getBody().readUtf8().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length < 2 ? ""
                    : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return new TokenRequest(form, r.getHeader("Authorization"));
    }
}
