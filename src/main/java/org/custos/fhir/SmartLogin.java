package org.custos.fhir;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;

import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * SMART App Launch, standalone, as a native public client (RFC 8252): the authorization code flow with PKCE (S256
 * only) and a {@code state} of 256 random bits that is checked, the system browser, and a loopback redirect
 * ({@link LoopbackRedirect}). {@link #start} makes the request and listens; the caller opens
 * {@link Pending#browserUri()} in the browser; {@link Pending#finish} waits for the browser to come back, checks it and
 * exchanges the code for tokens at the token endpoint (Nimbus OAuth 2.0 SDK, not hand-made HTTP).
 */
public final class SmartLogin {
    private final Clock clock;

    public SmartLogin(Clock clock) {
        this.clock = clock;
    }

    /** A sign-in waiting for the browser to come back. Close it when done (it stops listening). */
    public static final class Pending implements AutoCloseable {
        private final SmartConfiguration config;
        private final ClientID client;
        private final com.nimbusds.oauth2.sdk.auth.Secret clientSecret;
        private final State state;
        private final CodeVerifier verifier;
        private final LoopbackRedirect redirect;
        private final URI browserUri;
        private final Clock clock;
        private final List<String> scopes;
        private javax.net.ssl.SSLSocketFactory tls;

        private Pending(SmartConfiguration config, ClientID client, com.nimbusds.oauth2.sdk.auth.Secret clientSecret,
                        State state, CodeVerifier verifier, LoopbackRedirect redirect, URI browserUri, Clock clock,
                        List<String> scopes) {
            this.scopes = List.copyOf(scopes);
            this.config = config;
            this.client = client;
            this.clientSecret = clientSecret;
            this.state = state;
            this.verifier = verifier;
            this.redirect = redirect;
            this.browserUri = browserUri;
            this.clock = clock;
        }

        /** Where the system browser goes: the authorization endpoint with the request. */
        public URI browserUri() {
            return browserUri;
        }

        /** The loopback address the authorization server sends the browser back to. */
        public URI redirectUri() {
            return redirect.uri();
        }

        /**
         * Waits (at most {@code timeout}) for the browser to come back, checks the answer (its state must be this
         * sign-in's; an error the server gave is said in words) and exchanges the code for tokens.
         *
         * @throws SmartException what went wrong, in words (never a token)
         */
        public SmartTokens finish(Duration timeout) throws InterruptedException {
            Map<String, String> answer;
            try {
                answer = redirect.await(timeout.toSeconds());
            } catch (TimeoutException e) {
                throw new SmartException("The browser did not come back within " + timeout.toSeconds()
                        + " s: sign in again.");
            } catch (java.util.concurrent.CancellationException e) {
                throw new SmartException("Sign-in cancelled.");
            } catch (IllegalStateException e) {
                throw new SmartException("The sign-in was given up: " + (e.getCause() == null ? e.getMessage()
                        : e.getCause().getMessage()) + ".");
            }
            String got = answer.get("state");
            // compared in constant time: the state is the proof that this answer belongs to this sign-in
            if (got == null || !MessageDigest.isEqual(got.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    state.getValue().getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new SmartException("The answer that came back to Custos is not for this sign-in (its state "
                        + "does not match): it was refused. Sign in again.");
            }
            if (answer.containsKey("error")) {
                throw new SmartException("The authorization server refused the sign-in: " + shown(answer.get("error"))
                        + (answer.containsKey("error_description") ? " (" + shown(answer.get("error_description"))
                        + ")" : "") + ".");
            }
            String code = answer.get("code");
            if (code == null || code.isBlank()) {
                throw new SmartException("The authorization server sent no code back.");
            }
            TokenRequest request = request(config.token(), client, clientSecret, new AuthorizationCodeGrant(
                    new AuthorizationCode(code), redirect.uri(), verifier));
            SmartTokens t = exchange(request, clock, tls);
            // RFC 6749 5.1: a response that names no scope granted those asked for
            return t.scopes().isEmpty() ? new SmartTokens(t.accessToken(), t.expires(), t.refreshToken(),
                    t.idToken(), scopes, t.fhirUser()) : t;
        }

        private static String shown(String said) {
            String out = said == null ? "" : said.replaceAll("\\p{Cntrl}", " ");
            return out.length() > 200 ? out.substring(0, 200) + "…" : out;
        }

        /** The token request goes over TLS with this factory (the profile's CA file and client certificate). */
        Pending tls(javax.net.ssl.SSLSocketFactory factory) {
            this.tls = factory;
            return this;
        }

        /** Stops waiting for the browser. */
        public void cancel() {
            redirect.cancel();
        }

        @Override
        public void close() {
            redirect.close();
        }
    }

    /**
     * Starts a sign-in at the server described by {@code config}: a loopback listener, a new state and PKCE verifier,
     * and the authorization request ({@code aud}: the FHIR base URL, as SMART asks).
     */
    public Pending start(SmartConfiguration config, String clientId, List<String> scopes, String fhirBase) {
        return start(config, clientId, null, scopes, fhirBase);
    }

    /**
     * As {@link #start(SmartConfiguration, String, List, String)}; a confidential client authenticates at the token
     * endpoint with {@code clientSecret} (HTTP Basic, RFC 6749 2.3.1); null or empty: a public client.
     */
    public Pending start(SmartConfiguration config, String clientId, String clientSecret, List<String> scopes,
                         String fhirBase) {
        config.refuseUnsafe();
        State state = new State(32); // 256 bits
        LoopbackRedirect redirect;
        try {
            redirect = new LoopbackRedirect(got -> got != null && MessageDigest.isEqual(
                    got.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    state.getValue().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new SmartException("Cannot listen on this machine's loopback address for the sign-in: "
                    + e.getMessage());
        }
        CodeVerifier verifier = new CodeVerifier();
        ClientID client = new ClientID(clientId);
        AuthorizationRequest request = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
                client).endpointURI(config.authorization()).redirectionURI(redirect.uri())
                .scope(new Scope(scopes.toArray(String[]::new))).state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256).customParameter("aud", fhirBase).build();
        return new Pending(config, client, secret(clientSecret), state, verifier, redirect, request.toURI(), clock,
                scopes);
    }

    static com.nimbusds.oauth2.sdk.auth.Secret secret(String clientSecret) {
        return clientSecret == null || clientSecret.isEmpty() ? null
                : new com.nimbusds.oauth2.sdk.auth.Secret(clientSecret);
    }

    /** A token request of a public client (its id in the body) or a confidential one (id and secret, HTTP Basic). */
    static TokenRequest request(URI endpoint, ClientID client, com.nimbusds.oauth2.sdk.auth.Secret secret,
                                com.nimbusds.oauth2.sdk.AuthorizationGrant grant) {
        return secret == null ? new TokenRequest(endpoint, client, grant)
                : new TokenRequest(endpoint, new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(client, secret), grant);
    }

    /**
     * What the authorization server said, fit to show: no control characters, at most 200 characters, and without the
     * code, verifier or refresh token of the request (a server may quote them back).
     */
    static String words(String said, TokenRequest request) {
        if (said == null) {
            return "";
        }
        String out = said.replaceAll("\\p{Cntrl}", " ");
        java.util.List<String> secrets = new java.util.ArrayList<>();
        if (request.getAuthorizationGrant() instanceof AuthorizationCodeGrant g) {
            secrets.add(g.getAuthorizationCode().getValue());
            if (g.getCodeVerifier() != null) {
                secrets.add(g.getCodeVerifier().getValue());
            }
        } else if (request.getAuthorizationGrant() instanceof com.nimbusds.oauth2.sdk.RefreshTokenGrant r) {
            secrets.add(r.getRefreshToken().getValue());
        }
        if (request.getClientAuthentication() instanceof com.nimbusds.oauth2.sdk.auth.ClientSecretBasic b) {
            secrets.add(b.getClientSecret().getValue());
        }
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                out = out.replace(secret, Redactor.MARK);
            }
        }
        return out.length() > 200 ? out.substring(0, 200) + "…" : out;
    }

    /**
     * The scopes a JWT access token carries ({@code scope} or {@code scp}), for showing only — when the token
     * response did not list them (SMART asks it to). Empty for an opaque token.
     */
    static List<String> scopesInside(String accessToken) {
        try {
            com.nimbusds.jwt.JWTClaimsSet c = com.nimbusds.jwt.JWTParser.parse(accessToken).getJWTClaimsSet();
            Object scope = c.getClaim("scope") != null ? c.getClaim("scope") : c.getClaim("scp");
            if (scope instanceof List<?> l) {
                return l.stream().map(String::valueOf).toList();
            }
            return scope == null || scope.toString().isBlank() ? List.of() : List.of(scope.toString().trim()
                    .split("\\s+"));
        } catch (java.text.ParseException | RuntimeException e) {
            return List.of();
        }
    }

    static SmartTokens exchange(TokenRequest request, Clock clock) {
        return exchange(request, clock, null);
    }

    /** The token request sent (TLS with {@code tls} when given: the profile's CA file and client certificate). */
    static SmartTokens exchange(TokenRequest request, Clock clock, javax.net.ssl.SSLSocketFactory tls) {
        TokenResponse response;
        try {
            HTTPRequest http = request.toHTTPRequest();
            if (tls != null) {
                http.setSSLSocketFactory(tls);
            }
            http.setConnectTimeout(10_000);
            http.setReadTimeout(30_000);
            http.setFollowRedirects(false);
            response = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException e) {
            throw new SmartException("Cannot reach the token endpoint " + request.getEndpointURI() + ": "
                    + e.getMessage(), false);
        } catch (ParseException e) {
            throw new SmartException("The token endpoint " + request.getEndpointURI() + " answered with something "
                    + "that is not a token response.", false);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject err = response.toErrorResponse().getErrorObject();
            // an OAuth error (RFC 6749 5.2) is final; a 5xx without one may pass
            boolean refused = err.getCode() != null && err.getHTTPStatusCode() < 500;
            throw new SmartException("The token endpoint refused: " + words(err.getCode(), request)
                    + (err.getDescription() == null ? "" : " (" + words(err.getDescription(), request) + ")") + ".",
                    refused);
        }
        AccessTokenResponse ok = response.toSuccessResponse();
        var tokens = ok.getTokens();
        long lifetime = tokens.getAccessToken().getLifetime();
        RefreshToken refresh = tokens.getRefreshToken();
        String idToken = tokens instanceof OIDCTokens oidc && oidc.getIDTokenString() != null
                ? oidc.getIDTokenString() : null;
        Scope granted = tokens.getAccessToken().getScope();
        // who signed in: the id token's fhirUser claim (received straight from the token endpoint, so the TLS
        // connection vouches for its issuer, OpenID Connect Core 3.1.3.7), else a parameter of the response
        Object fhirUser = null;
        if (idToken != null) {
            try {
                // OpenID Connect Core 3.1.3.7: the TLS connection stands for the signature check, not for these
                com.nimbusds.jwt.JWTClaimsSet c = com.nimbusds.jwt.JWTParser.parse(idToken).getJWTClaimsSet();
                // a confidential client's id is in its authentication, a public one's in the request
                ClientID id = request.getClientAuthentication() != null
                        ? request.getClientAuthentication().getClientID() : request.getClientID();
                boolean forUs = c.getAudience() != null && id != null && c.getAudience().contains(id.getValue());
                boolean current = c.getExpirationTime() != null && c.getExpirationTime().toInstant()
                        .isAfter(Instant.now(clock));
                fhirUser = forUs && current ? c.getClaim("fhirUser") : null;
            } catch (java.text.ParseException | RuntimeException e) {
                fhirUser = null; // not a readable JWT (an encrypted one, say): nobody named
            }
        }
        if (fhirUser == null) {
            fhirUser = ok.getCustomParameters().get("fhirUser");
        }
        List<String> scopes = granted == null ? List.of() : granted.toStringList();
        if (scopes.isEmpty()) {
            scopes = scopesInside(tokens.getAccessToken().getValue());
        }
        return new SmartTokens(tokens.getAccessToken().getValue(), lifetime > 0
                ? Instant.now(clock).plusSeconds(lifetime) : null, refresh == null ? null : refresh.getValue(),
                idToken, scopes, fhirUser == null ? null
                : fhirUser.toString());
    }
}
