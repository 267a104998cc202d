package org.custos.fhir;

import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * A signed-in SMART session with one server: the access token lives here, in memory only; it is refreshed a minute
 * before it expires and once when the server answers 401 to it; a refresh token the server rotates replaces the old
 * one (and is handed to {@code keepRefreshToken}, the keyring's business); when refreshing fails the session ends with
 * "sign in again". {@link #signOut()} forgets everything. Thread-safe: one refresh at a time.
 */
public final class SmartSession implements TokenSource {
    /** How long before the access token expires it is refreshed. */
    static final Duration EARLY = Duration.ofSeconds(60);

    private final SmartConfiguration config;
    private final ClientID client;
    private final com.nimbusds.oauth2.sdk.auth.Secret clientSecret;
    private final Clock clock;
    private final javax.net.ssl.SSLSocketFactory tls;
    private final Consumer<String> keepRefreshToken;
    /** Written under the lock, read without it (the screen asks who is signed in while a refresh runs). */
    private volatile SmartTokens tokens;
    /** When the current access token was obtained (null: before this session, e.g. given at sign-in). */
    private Instant obtained;
    private volatile String ended;
    private final Instant since;
    /** Every token this session has held (also after it ended): a message quoting an old one is cleaned too. */
    private final java.util.concurrent.CopyOnWriteArrayList<String> held =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param keepRefreshToken told the refresh token to keep whenever it changes (null: it is forgotten — sign out)
     */
    public SmartSession(SmartConfiguration config, String clientId, SmartTokens tokens, Clock clock,
                        Consumer<String> keepRefreshToken) {
        this(config, clientId, null, tokens, clock, keepRefreshToken);
    }

    /** A session of a confidential client, which renews with its {@code clientSecret} (null or empty: public). */
    public SmartSession(SmartConfiguration config, String clientId, String clientSecret, SmartTokens tokens,
                        Clock clock, Consumer<String> keepRefreshToken) {
        this(config, clientId, clientSecret, tokens, clock, keepRefreshToken, null);
    }

    /** As above; token and revocation requests go over TLS with {@code tls} (null: Java's defaults). */
    public SmartSession(SmartConfiguration config, String clientId, String clientSecret, SmartTokens tokens,
                        Clock clock, Consumer<String> keepRefreshToken, javax.net.ssl.SSLSocketFactory tls) {
        this.tls = tls;
        this.config = config;
        this.client = new ClientID(clientId);
        this.clientSecret = SmartLogin.secret(clientSecret);
        this.since = Instant.now(clock);
        if (this.clientSecret != null) {
            held.addIfAbsent(clientSecret);
        }
        this.tokens = tokens;
        this.clock = clock;
        this.keepRefreshToken = keepRefreshToken == null ? t -> { } : keepRefreshToken;
        remember(tokens);
        this.keepRefreshToken.accept(tokens.refreshToken());
    }

    /** The access token to send now (refreshed first when it expires within a minute). */
    @Override
    public synchronized String bearer() {
        refuseEnded();
        if (tokens.expires() != null && !Instant.now(clock).plus(early()).isBefore(tokens.expires())) {
            refresh("it expires at " + tokens.expires());
        }
        return tokens.accessToken();
    }

    /**
     * The server answered 401 to {@code usedToken}: refreshed once (unless another request has refreshed since), the
     * token to try again with.
     */
    @Override
    public synchronized String afterUnauthorized(String usedToken) {
        refuseEnded();
        if (usedToken != null && usedToken.equals(tokens.accessToken())) {
            refresh("the server refused it (401)");
        }
        return tokens.accessToken();
    }

    /** Every token the session holds or has held, newest first. */
    @Override
    public List<String> secrets() {
        List<String> out = new java.util.ArrayList<>(held);
        java.util.Collections.reverse(out);
        return out;
    }

    private void remember(SmartTokens t) {
        for (String s : new String[]{t.accessToken(), t.refreshToken(), t.idToken()}) {
            if (s != null && !s.isEmpty()) {
                held.addIfAbsent(s);
            }
        }
    }

    /** How early a token is renewed: a minute, or half its life when it lives less than two (not at every request). */
    private Duration early() {
        if (obtained == null || tokens.expires() == null) {
            return EARLY;
        }
        Duration life = Duration.between(obtained, tokens.expires());
        return life.compareTo(EARLY.multipliedBy(2)) < 0 ? life.dividedBy(2) : EARLY;
    }

    /** The scopes granted, when the token expires, who signed in: what the screen shows (never a token). */
    public SmartTokens shown() {
        SmartTokens tokens = this.tokens;
        return new SmartTokens("", tokens.expires(), null, null, tokens.scopes(), tokens.fhirUser());
    }

    public boolean signedIn() {
        return ended == null;
    }

    @Override
    public List<String> grantedScopes() {
        return shown().scopes();
    }

    @Override
    public boolean v2Scopes() {
        return SmartScopes.v2(config);
    }

    @Override
    public String signedInAs() {
        return shown().fhirUser();
    }

    /** {@code patient} when the scopes granted are a patient's ({@code patient/…}), else {@code user}. */
    @Override
    public String scopeContext() {
        return grantedScopes().stream().anyMatch(s -> s.startsWith("patient/")) ? "patient" : "user";
    }

    /** When the session began. */
    public Instant since() {
        return since;
    }

    /** The authorization server's endpoints and what it supports. */
    public SmartConfiguration configuration() {
        return config;
    }

    /**
     * Forgets the tokens (the refresh token's store is told to forget it too); where the authorization server has a
     * revocation endpoint (RFC 7009), the refresh token (else the access token) is revoked there first, so a copy of
     * it is worthless too. A failed revocation is not an error: the tokens are forgotten here anyway.
     *
     * @return what became of the revocation, in words
     */
    public String signOut() {
        SmartTokens old;
        synchronized (this) {
            old = tokens;
            tokens = new SmartTokens("", null, null, null, List.of(), null);
            ended = "You signed out.";
        }
        String said = revoke(old);
        keepRefreshToken.accept(null);
        return said;
    }

    /**
     * A new sign-in to the same profile took this one's place: its tokens are forgotten here, nothing is revoked and
     * the kept refresh token (the new session's now) is left alone.
     */
    public synchronized void replaced() {
        tokens = new SmartTokens("", null, null, null, List.of(), null);
        ended = "Replaced by a new sign-in.";
    }

    private String revoke(SmartTokens old) {
        if (config.revocation() == null || old == null || (old.refreshToken() == null && old.accessToken().isEmpty())) {
            return "Signed out.";
        }
        com.nimbusds.oauth2.sdk.token.Token token = old.refreshToken() != null ? new RefreshToken(old.refreshToken())
                : new com.nimbusds.oauth2.sdk.token.BearerAccessToken(old.accessToken());
        try {
            com.nimbusds.oauth2.sdk.TokenRevocationRequest request = clientSecret == null
                    ? new com.nimbusds.oauth2.sdk.TokenRevocationRequest(config.revocation(), client, token)
                    : new com.nimbusds.oauth2.sdk.TokenRevocationRequest(config.revocation(),
                    new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(client, clientSecret), token);
            com.nimbusds.oauth2.sdk.http.HTTPRequest http = request.toHTTPRequest();
            if (tls != null) {
                http.setSSLSocketFactory(tls);
            }
            http.setConnectTimeout(10_000);
            http.setReadTimeout(10_000);
            http.setFollowRedirects(false);
            int status = http.send().getStatusCode();
            return status == 200 ? "Signed out; the authorization server revoked the sign-in."
                    : "Signed out here; the authorization server answered " + status + " to the revocation.";
        } catch (java.io.IOException | RuntimeException e) {
            return "Signed out here; the authorization server could not be told (" + e.getClass().getSimpleName()
                    + ").";
        }
    }

    private void refresh(String why) {
        if (tokens.refreshToken() == null) {
            end("The sign-in has expired (" + why + ") and the server gave no refresh token: sign in again.");
        }
        SmartTokens fresh;
        try {
            fresh = SmartLogin.exchange(SmartLogin.request(config.token(), client, clientSecret,
                    new RefreshTokenGrant(new RefreshToken(tokens.refreshToken()))), clock, tls);
        } catch (SmartException e) {
            if (!e.refused()) {
                // unreachable, a timeout, a 5xx: the grant may still be good; the session stays, try again later
                throw new SmartException("The sign-in could not be renewed now (" + e.getMessage() + "); Custos "
                        + "tries again at the next request.", false);
            }
            end("The sign-in could not be renewed (" + e.getMessage() + "): sign in again.");
            return;
        }
        // a server that does not rotate sends no new refresh token: the old one stays good
        String refreshToken = fresh.refreshToken() != null ? fresh.refreshToken() : tokens.refreshToken();
        remember(fresh);
        obtained = Instant.now(clock);
        tokens = new SmartTokens(fresh.accessToken(), fresh.expires(), refreshToken,
                fresh.idToken() != null ? fresh.idToken() : tokens.idToken(),
                fresh.scopes().isEmpty() ? tokens.scopes() : fresh.scopes(),
                fresh.fhirUser() != null ? fresh.fhirUser() : tokens.fhirUser());
        if (fresh.refreshToken() != null) {
            keepRefreshToken.accept(refreshToken); // rotated (or given again): the new one is kept
        }
    }

    private void end(String why) {
        tokens = new SmartTokens("", null, null, null, List.of(), null);
        ended = why;
        keepRefreshToken.accept(null);
        throw new SmartException(why);
    }

    private void refuseEnded() {
        if (ended != null) {
            throw new SmartException(ended.equals("You signed out.") ? "Not signed in: sign in again." : ended);
        }
    }
}
