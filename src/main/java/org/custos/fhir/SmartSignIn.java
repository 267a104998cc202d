package org.custos.fhir;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Signing in to a SMART profile, start to end: the server's SMART configuration discovered (without credentials),
 * the scopes the profile asks for in the server's generation (v1 or v2), the authorization request with its loopback
 * listener; then, once the browser came back, the session. Close it in every case (it stops listening).
 */
public final class SmartSignIn implements AutoCloseable {
    private final ServerProfile profile;
    private final SmartConfiguration config;
    private final boolean v2;
    private final List<String> scopes;
    private final SmartLogin.Pending pending;
    private final Clock clock;

    private SmartSignIn(ServerProfile profile, SmartConfiguration config, boolean v2, List<String> scopes,
                        SmartLogin.Pending pending, Clock clock) {
        this.profile = profile;
        this.config = config;
        this.v2 = v2;
        this.scopes = scopes;
        this.pending = pending;
        this.clock = clock;
    }

    /**
     * Discovers the endpoints and starts listening for the browser; the caller opens {@link #browserUri()}.
     *
     * @throws SmartException why the sign-in cannot start, in words
     */
    public static SmartSignIn start(ServerProfile p, Clock clock, Cancellation cancel) {
        if (p.auth() != ServerProfile.AuthKind.SMART) {
            throw new SmartException("The profile " + p.name() + " does not use SMART sign-in.");
        }
        List<String> problems = p.problems();
        if (!problems.isEmpty()) {
            throw new SmartException(String.join(" ", problems));
        }
        SmartConfiguration config;
        try {
            // discovery is public: no credential goes with it
            config = SmartConfiguration.discover(new FhirHttp(p.withAuth(ServerProfile.AuthKind.NONE, null, null),
                    RetryPolicy.ONCE, cancel, notice -> { }));
        } catch (FhirServerException e) {
            throw new SmartException("Cannot read the SMART configuration of " + p.baseUrl() + ": " + e.getMessage());
        }
        boolean v2 = SmartScopes.v2(config);
        List<String> scopes = SmartScopes.forProfile(p, v2, SmartScopes.personContext(p));
        SmartLogin.Pending pending = new SmartLogin(clock).start(config, p.smart().clientId(), p.secret(), scopes,
                p.baseUrl()).tls(socketFactory(p));
        return new SmartSignIn(p, config, v2, scopes, pending, clock);
    }

    /**
     * Resumes an earlier sign-in with the refresh token it left: the configuration discovered, a new access token
     * fetched with it.
     *
     * @throws SmartException the server refused it (sign in again; the keeper is told to forget it) or cannot be
     *                        reached now ({@link SmartException#refused()} false)
     */
    public static SmartSession resume(ServerProfile p, String refreshToken, Clock clock, Cancellation cancel,
                                      Consumer<String> keepRefreshToken) {
        return resume(p, refreshToken, null, clock, cancel, keepRefreshToken);
    }

    /**
     * {@link #resume(ServerProfile, String, Clock, Cancellation, Consumer)}, naming {@code fhirUser} (who signed in
     * when the refresh token was issued) unless the refreshed token's id token names someone.
     */
    public static SmartSession resume(ServerProfile p, String refreshToken, String fhirUser, Clock clock,
                                      Cancellation cancel, Consumer<String> keepRefreshToken) {
        SmartConfiguration config;
        try {
            config = SmartConfiguration.discover(new FhirHttp(p.withAuth(ServerProfile.AuthKind.NONE, null, null),
                    RetryPolicy.ONCE, cancel, notice -> { }));
        } catch (FhirServerException e) {
            throw new SmartException("Cannot read the SMART configuration of " + p.baseUrl() + ": "
                    + e.getMessage(), false);
        }
        config.refuseUnsafe();
        SmartSession s = new SmartSession(config, p.smart().clientId(), p.secret(), new SmartTokens("",
                java.time.Instant.EPOCH, refreshToken, null, List.of(), fhirUser), clock, keepRefreshToken,
                socketFactory(p));
        s.bearer(); // expired at once: renewed now with the refresh token
        return s;
    }

    /** The profile's TLS (its CA file, its client certificate) for the authorization server too; null: defaults. */
    static javax.net.ssl.SSLSocketFactory socketFactory(ServerProfile p) {
        javax.net.ssl.SSLContext ctx = Tls.context(p.tls());
        return ctx == null ? null : ctx.getSocketFactory();
    }

    /** Where the system browser goes. */
    public URI browserUri() {
        return pending.browserUri();
    }

    /** The scopes asked for. */
    public List<String> scopes() {
        return scopes;
    }

    /** Whether the server speaks SMART v2 scopes. */
    public boolean v2() {
        return v2;
    }

    /**
     * Waits for the browser to come back (at most {@code timeout}) and makes the session.
     *
     * @param keepRefreshToken told the refresh token to keep whenever it changes (null: forget it)
     */
    public SmartSession finish(Duration timeout, Consumer<String> keepRefreshToken) throws InterruptedException {
        SmartTokens tokens = pending.finish(timeout);
        return new SmartSession(config, profile.smart().clientId(), profile.secret(), tokens, clock,
                keepRefreshToken, socketFactory(profile));
    }

    /** Stops waiting for the browser. */
    public void cancel() {
        pending.cancel();
    }

    @Override
    public void close() {
        pending.close();
    }
}
