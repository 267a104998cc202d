package org.custos.fhir;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SMART Backend Services (client credentials with a signed JWT assertion, RS384 or ES384): the unattended way in,
 * for {@code custos sync} from a scheduler. Each token request carries a fresh assertion (issuer and subject the
 * client id, audience the token endpoint, five minutes, a random jti); a new access token is fetched before the old
 * one expires and once after a 401. No refresh token: the key is the standing credential.
 */
public final class BackendSession implements TokenSource {
    private final SmartConfiguration config;
    private final ClientID client;
    private final ClientKey key;
    private final List<String> scopes;
    private final Clock clock;
    private final javax.net.ssl.SSLSocketFactory tls;
    private SmartTokens tokens;
    private Instant obtained;
    private final Set<String> held = new LinkedHashSet<>();

    public BackendSession(SmartConfiguration config, String clientId, ClientKey key, List<String> scopes, Clock clock,
                          javax.net.ssl.SSLSocketFactory tls) {
        this.tls = tls;
        this.config = config;
        this.client = new ClientID(clientId);
        this.key = key;
        this.scopes = List.copyOf(scopes);
        this.clock = clock;
    }

    /**
     * Finds the token endpoint of {@code p}'s server (its SMART configuration, read without credentials) and makes a
     * session for it.
     */
    public static BackendSession discover(ServerProfile p, String clientId, ClientKey key, List<String> scopes,
                                          Clock clock, Cancellation cancel) {
        SmartConfiguration config;
        try {
            config = SmartConfiguration.discover(new FhirHttp(p.withAuth(ServerProfile.AuthKind.NONE, null, null)
                    .withSession(null), RetryPolicy.ONCE, cancel, notice -> { }));
        } catch (FhirServerException e) {
            throw new SmartException("Cannot read the SMART configuration of " + p.baseUrl() + ": " + e.getMessage());
        }
        config.refuseUnsafe();
        List<String> asked = scopes.isEmpty() ? SmartScopes.forProfile(p, SmartScopes.v2(config), "system") : scopes;
        return new BackendSession(config, clientId, key, asked, clock, SmartSignIn.socketFactory(p));
    }

    @Override
    public synchronized String bearer() {
        if (tokens == null || (tokens.expires() != null && !Instant.now(clock).plus(early()).isBefore(
                tokens.expires()))) {
            obtain();
        }
        return tokens.accessToken();
    }

    @Override
    public synchronized String afterUnauthorized(String used) {
        if (tokens == null || tokens.accessToken().equals(used)) {
            obtain();
        }
        return tokens.accessToken();
    }

    @Override
    public synchronized List<String> secrets() {
        List<String> out = new ArrayList<>(held);
        Collections.reverse(out);
        return out;
    }

    @Override
    public String scopeContext() {
        return "system";
    }

    @Override
    public boolean v2Scopes() {
        return SmartScopes.v2(config);
    }

    /** The scopes granted (or asked for, until the first token), for messages. */
    @Override
    public synchronized List<String> grantedScopes() {
        return tokens == null || tokens.scopes().isEmpty() ? scopes : tokens.scopes();
    }

    public SmartConfiguration configuration() {
        return config;
    }

    private Duration early() {
        if (obtained == null || tokens.expires() == null) {
            return SmartSession.EARLY;
        }
        Duration life = Duration.between(obtained, tokens.expires());
        return life.compareTo(SmartSession.EARLY.multipliedBy(2)) < 0 ? life.dividedBy(2) : SmartSession.EARLY;
    }

    private void obtain() {
        PrivateKeyJWT assertion;
        try {
            assertion = new PrivateKeyJWT(client, config.token(), key.algorithm(), key.key(), key.keyId(), null);
        } catch (JOSEException e) {
            throw new SmartException("Cannot sign the token request with the key (" + e.getMessage() + ").");
        }
        TokenRequest request = new TokenRequest(config.token(), assertion, new ClientCredentialsGrant(),
                new Scope(scopes.toArray(String[]::new)));
        SmartTokens got = SmartLogin.exchange(request, clock, tls);
        if (got.accessToken() != null) {
            held.add(got.accessToken());
        }
        obtained = Instant.now(clock);
        tokens = got.scopes().isEmpty() ? new SmartTokens(got.accessToken(), got.expires(), null, null, scopes,
                null) : got;
    }
}
