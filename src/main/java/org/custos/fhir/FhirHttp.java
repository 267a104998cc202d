package org.custos.fhir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.fhir.FhirServerException.Kind;

import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads JSON from one FHIR server: authentication, timeouts, gzip, retries with back-off for what may pass (busy,
 * 5xx, timeouts, a body cut short), clear messages for what will not (401, 403, TLS, a wrong URL), and links
 * checked so that nothing, least of all a credential, is sent to another host, port or scheme. Redirects are not
 * followed for the same reason.
 */
public final class FhirHttp {
    /** Its own (an ObjectMapper is configurable, so not a shared constant). */
    private final ObjectMapper mapper = new ObjectMapper();
    private final ServerProfile profile;
    private final URI base;
    private final HttpClient client;
    private final BodyLimits limits;
    private final Redactor redactor;
    private final RetryPolicy retry;
    private final Cancellation cancel;
    private final Consumer<String> notices;
    private final Random random = new Random();
    private final AtomicLong serverTime = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean answered;

    public FhirHttp(ServerProfile profile, RetryPolicy retry, Cancellation cancel, Consumer<String> notices) {
        this(profile, retry, cancel, notices, newClient(profile));
    }

    /** With a connection shared by several of these (one sync run: one client, one set of threads). */
    public FhirHttp(ServerProfile profile, RetryPolicy retry, Cancellation cancel, Consumer<String> notices,
                    ServerConnection connection) {
        this.profile = profile;
        this.base = profile.baseUri();
        this.retry = retry;
        this.cancel = cancel;
        this.redactor = Redactor.of(profile);
        Consumer<String> n = notices == null ? s -> { } : notices;
        this.notices = m -> n.accept(redactor.clean(m));
        this.client = connection.client();
        this.limits = connection.limits();
    }

    /** A connection to the profile's server, with the body limits of the system properties (or the defaults). */
    public static ServerConnection newClient(ServerProfile profile) {
        return newClient(profile, BodyLimits.fromSystemProperties());
    }

    public static ServerConnection newClient(ServerProfile profile, BodyLimits limits) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(profile.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        javax.net.ssl.SSLContext tls = Tls.context(profile.tls());
        if (tls != null) {
            b.sslContext(tls);
        }
        return new ServerConnection(b.build(), limits);
    }

    /** The server's clock (HTTP Date header) at its last answer, as epoch ms; null if it sent none. */
    public Long lastServerTime() {
        long t = serverTime.get();
        return t == Long.MIN_VALUE ? null : t;
    }

    public URI base() {
        return base;
    }

    /** {@code base + "/" + relative} (relative like {@code "AuditEvent?_count=10"} or {@code "metadata"}). */
    public URI at(String relative) {
        return URI.create(profile.baseUrl() + "/" + relative);
    }

    /**
     * A link the server sent (e.g. {@code next}), resolved against the base; refused when it points to another
     * host, port or scheme than the server's base URL.
     */
    public URI link(String href) {
        URI u;
        try {
            // against "base/", so that a relative "AuditEvent?page=2" stays under the base path
            u = URI.create(profile.baseUrl() + "/").resolve(href.trim());
        } catch (IllegalArgumentException e) {
            throw new FhirServerException(Kind.BAD_RESPONSE, 0, "The server sent a link that is not a URL: " + href);
        }
        if (!sameOrigin(u, base)) {
            throw new FhirServerException(Kind.FOREIGN_LINK, 0, "The server sent a link to " + origin(u)
                    + ", which is not the server itself (" + origin(base) + "). Custos does not follow it: it "
                    + "would send your requests and credentials elsewhere. Check the server's base URL settings.");
        }
        return u;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String origin(URI u) {
        return u.getScheme() + "://" + u.getHost() + ":" + port(u);
    }

    /**
     * GETs {@code uri} as FHIR JSON, trying again after transient faults as the retry policy allows. Whatever it
     * throws is a {@link FhirServerException} whose message and causes do not hold the profile's secret.
     */
    public ObjectNode getJson(URI uri) {
        try {
            return getJsonRetrying(uri);
        } catch (FhirServerException e) {
            throw redactor.clean(e);
        } catch (RuntimeException e) {
            if (!redactor.leaks(e)) {
                throw e;
            }
            // e.g. java.net.http refusing a header value: its message quotes the value
            throw redactor.clean(new FhirServerException(Kind.UNSAFE, 0, "The request to " + origin(base)
                    + " could not be made (" + e.getClass().getSimpleName() + ": " + redactor.clean(e.getMessage())
                    + ").", e));
        }
    }

    private ObjectNode getJsonRetrying(URI uri) {
        refuseUnsafeCredentials();
        for (int attempt = 1; ; attempt++) {
            if (cancel.isCancelled()) {
                throw cancelled();
            }
            try {
                return once(uri);
            } catch (FhirServerException e) {
                if (!e.kind().transientFault() || attempt >= retry.maxAttempts()) {
                    if (attempt > 1) {
                        throw new FhirServerException(e.kind(), e.status(), e.getMessage() + " Gave up after "
                                + attempt + " attempts.", e);
                    }
                    throw e;
                }
                Duration wait = retry.delay(attempt, e.retryAfter(), random);
                notices.accept(e.getMessage() + " Trying again in " + seconds(wait) + " (attempt " + (attempt + 1)
                        + " of " + retry.maxAttempts() + ").");
                if (cancel.pause(wait)) {
                    throw cancelled();
                }
            }
        }
    }

    /**
     * Sends no credentials that a header cannot carry (the message names the field, never the value) and none
     * over plain http to another machine unless the profile allows it.
     */
    private void refuseUnsafeCredentials() {
        refuseUnsafeCredentials(profile);
    }

    /** As {@link #refuseUnsafeCredentials()} for any client of this package (the writer's HAPI client too). */
    static void refuseUnsafeCredentials(ServerProfile profile) {
        URI base = profile.baseUri();
        if (profile.auth() == ServerProfile.AuthKind.NONE) {
            return;
        }
        java.util.Optional<String> bad = profile.auth() == ServerProfile.AuthKind.BASIC
                ? ServerProfile.credentialProblem("user name", profile.user())
                .or(() -> ServerProfile.credentialProblem("password", profile.secret()))
                : profile.tokens() != null ? java.util.Optional.empty()
                : ServerProfile.credentialProblem("bearer token", profile.secret());
        bad = bad.or(profile::insecureProblem);
        if (bad.isPresent()) {
            throw new FhirServerException(Kind.UNSAFE, 0, "Nothing was sent to " + origin(base) + ": "
                    + bad.get());
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private FhirServerException cancelled() {
        return new FhirServerException(Kind.CANCELLED, 0, "Cancelled.");
    }

    private ObjectNode once(URI uri) {
        String bearer;
        try {
            bearer = profile.sendsBearer() ? profile.bearer() : null;
        } catch (SmartException e) {
            throw new FhirServerException(Kind.UNAUTHORIZED, 0, e.getMessage());
        }
        try {
            return once(uri, bearer);
        } catch (FhirServerException e) {
            if (e.kind() != Kind.UNAUTHORIZED || profile.tokens() == null) {
                throw e;
            }
            // a signed-in session's token refused (revoked, expired early): renewed once, the request tried again
            String renewed;
            try {
                renewed = profile.tokens().afterUnauthorized(bearer);
            } catch (SmartException s) {
                throw new FhirServerException(Kind.UNAUTHORIZED, 401, s.getMessage());
            }
            return once(uri, renewed);
        }
    }

    private ObjectNode once(URI uri, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(profile.readTimeout())
                .header("Accept", "application/fhir+json, application/json;q=0.9")
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", "Custos")
                .GET();
        switch (profile.auth()) {
            case BASIC -> b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (profile.user() + ":" + profile.secret()).getBytes(StandardCharsets.UTF_8)));
            case BEARER, SMART -> b.header("Authorization", "Bearer " + bearer);
            default -> { }
        }
        HttpResponse<byte[]> resp = send(b.build());
        answered = true;
        resp.headers().firstValue("Date").ifPresent(d -> {
            try {
                serverTime.set(ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli());
            } catch (java.time.format.DateTimeParseException ignored) {
                // no usable clock
            }
        });
        byte[] body = decode(resp, limits);
        int s = resp.statusCode();
        if (s >= 200 && s < 300) {
            return parse(uri, resp, body);
        }
        throw failure(uri, resp, body);
    }

    private HttpResponse<byte[]> send(HttpRequest req) {
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(req, BoundedBody.handler(limits.maxBody()));
        // the whole answer, body included, must arrive within connect + read timeout: a server that sends headers
        // and then hangs must not hold the sync for ever
        long deadline = System.nanoTime() + profile.connectTimeout().toNanos() + profile.readTimeout().toNanos();
        while (true) {
            try {
                return f.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (cancel.isCancelled()) {
                    f.cancel(true);
                    throw cancelled();
                }
                if (System.nanoTime() > deadline) {
                    f.cancel(true);
                    throw new FhirServerException(Kind.TIMEOUT, 0, "No complete answer from " + origin(base)
                            + " within " + seconds(profile.connectTimeout().plus(profile.readTimeout())) + ".");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.cancel(true);
                throw cancelled();
            } catch (ExecutionException e) {
                if (hasCause(e.getCause(), BoundedBody.TooLarge.class)) {
                    throw tooLarge("The answer from " + origin(base) + " is larger than", limits.maxBody(),
                            BodyLimits.BODY_PROPERTY);
                }
                throw transportFailure(e.getCause());
            }
        }
    }

    private FhirServerException transportFailure(Throwable t) {
        String where = origin(base);
        if (t instanceof HttpConnectTimeoutException) {
            return new FhirServerException(Kind.TIMEOUT, 0, "No connection to " + where + " within "
                    + seconds(profile.connectTimeout()) + ".", t);
        }
        if (t instanceof HttpTimeoutException) {
            return new FhirServerException(Kind.TIMEOUT, 0, "No answer from " + where + " within "
                    + seconds(profile.readTimeout()) + ".", t);
        }
        if (t instanceof SSLException || t != null && t.getCause() instanceof SSLException) {
            String m = t instanceof SSLException ? t.getMessage() : t.getCause().getMessage();
            return new FhirServerException(Kind.TLS, 0, "The secure connection (TLS) to " + where + " failed: " + m
                    + ". " + Tls.hint(m, profile), t);
        }
        if (t instanceof ConnectException || t != null && t.getCause() instanceof UnresolvedAddressException) {
            if (hasCause(t, UnresolvedAddressException.class) || hasCause(t, java.net.UnknownHostException.class)) {
                return new FhirServerException(Kind.UNREACHABLE, 0, "Unknown host '" + base.getHost()
                        + "': check the base URL.", t);
            }
            if (answered) {
                // it answered before: a restart or a network blip, worth waiting for
                return new FhirServerException(Kind.BAD_RESPONSE, 0, "Lost the connection to " + where + " ("
                        + message(t) + ").", t);
            }
            return new FhirServerException(Kind.UNREACHABLE, 0, "Cannot connect to " + where + " (" + message(t)
                    + "). Is the server running, and is the base URL right?", t);
        }
        // the connection broke during the answer (reset, EOF before the announced length): worth another try
        return new FhirServerException(Kind.BAD_RESPONSE, 0, "The connection to " + where + " broke during the "
                + "answer (" + message(t) + ").", t);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return c.getMessage();
            }
        }
        return t == null ? "no details" : t.getClass().getSimpleName();
    }

    private static FhirServerException tooLarge(String what, long limit, String property) {
        return new FhirServerException(Kind.TOO_LARGE, 0, what + " the limit of " + BodyLimits.describe(limit)
                + ", so Custos stopped reading it. If the server's pages really are that large, use a smaller page "
                + "size, or raise the limit with -D" + property + "=N (in MB) when starting Custos.");
    }

    /** The body, gunzipped when it came so, never more than {@code limits.maxExpanded()} bytes of it. */
    static byte[] decode(HttpResponse<byte[]> resp, BodyLimits limits) {
        byte[] body = resp.body() == null ? new byte[0] : resp.body();
        String enc = resp.headers().firstValue("Content-Encoding").orElse("");
        if (!enc.equalsIgnoreCase("gzip") || body.length == 0) {
            return body;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 64 * 1024)) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(
                    (int) Math.min(limits.maxExpanded(), Math.min(Integer.MAX_VALUE - 16, body.length * 4L)));
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > limits.maxExpanded() || total > Integer.MAX_VALUE - 16) {
                    throw tooLarge("The compressed answer from " + origin(resp.uri()) + " expands to more than",
                            limits.maxExpanded(), BodyLimits.EXPANDED_PROPERTY);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new FhirServerException(Kind.BAD_RESPONSE, resp.statusCode(), "The compressed answer from "
                    + origin(resp.uri()) + " was cut off or damaged (" + e.getMessage() + ").", e);
        }
    }

    private ObjectNode parse(URI uri, HttpResponse<byte[]> resp, byte[] body) {
        String type = resp.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.contains("html")) {
            throw new FhirServerException(Kind.NOT_FHIR, resp.statusCode(), uri + " answered with a web page ("
                    + type + "), not FHIR JSON. Is the base URL right? It usually ends in /fhir or similar.");
        }
        try {
            JsonNode n = mapper.readTree(body);
            if (n instanceof ObjectNode o) {
                return o;
            }
            throw new FhirServerException(Kind.NOT_FHIR, resp.statusCode(), uri + " did not answer with a FHIR "
                    + "resource (JSON object).");
        } catch (JsonProcessingException e) {
            // a body cut short, or not JSON at all: a proxy or network fault is worth another try
            throw new FhirServerException(Kind.BAD_RESPONSE, resp.statusCode(), "The answer to " + uri.getPath()
                    + " is not complete JSON (" + body.length + " bytes: " + e.getOriginalMessage() + ").", e);
        } catch (IOException e) {
            throw new FhirServerException(Kind.BAD_RESPONSE, resp.statusCode(), "Cannot read the answer to "
                    + uri.getPath() + ": " + e.getMessage(), e);
        }
    }

    /** For a signed-in session refused (403): the scope reading the type of {@code uri} would need. */
    private String scopeNeeded(TokenSource session, URI uri) {
        String rest = uri.getPath().startsWith(base.getPath()) ? uri.getPath().substring(base.getPath().length())
                : uri.getPath();
        String type = rest.replaceFirst("^/+", "").split("/", 2)[0];
        return SmartScopes.refused(session, type.matches("[A-Z][A-Za-z]+") ? type : null, false);
    }

    private FhirServerException failure(URI uri, HttpResponse<byte[]> resp, byte[] body) {
        int s = resp.statusCode();
        String detail = diagnostics(body);
        String what = uri.getPath() + (uri.getQuery() == null ? "" : "?…");
        Duration retryAfter = retryAfter(resp.headers().firstValue("Retry-After").orElse(null));
        return switch (s) {
            case 401 -> new FhirServerException(Kind.UNAUTHORIZED, s, "The server " + origin(base) + " wants "
                    + "authentication (401)." + (profile.auth() == ServerProfile.AuthKind.NONE
                    ? " Set HTTP Basic or a bearer token in the server profile."
                    : " Check the user name and password, or the token (it may have expired).")
                    + resp.headers().firstValue("WWW-Authenticate").map(h -> " The server asks for: " + h + ".")
                    .orElse("") + detail);
            case 403 -> new FhirServerException(Kind.FORBIDDEN, s, "The server refuses this account access to "
                    + what + " (403 Forbidden). " + (profile.tokens() != null
                    ? scopeNeeded(profile.tokens(), uri) : "Ask its administrator for read and search rights on this resource "
                    + "type.") + detail);
            case 404 -> new FhirServerException(Kind.NOT_FOUND, s, "Not found (404): " + uri + ". Is the base URL "
                    + "right, and does the server support this resource type?" + detail);
            case 410 -> new FhirServerException(Kind.GONE, s, "The server no longer has this search (410 Gone): "
                    + "it expired." + detail);
            case 429 -> new FhirServerException(Kind.THROTTLED, s, "The server is limiting requests (429 Too Many "
                    + "Requests)." + detail, null, retryAfter);
            case 503 -> new FhirServerException(Kind.THROTTLED, s, "The server is unavailable (503)." + detail,
                    null, retryAfter);
            case 301, 302, 303, 307, 308 -> new FhirServerException(Kind.REJECTED, s, "The server redirects " + what
                    + " to " + resp.headers().firstValue("Location").orElse("another address") + " (" + s + "). "
                    + "Custos does not follow redirects (they could carry credentials elsewhere): if that is the "
                    + "server's real address, use it as the base URL.");
            case 501 -> new FhirServerException(Kind.REJECTED, s, "The server does not implement " + what
                    + " (501)." + detail);
            default -> s >= 500
                    ? new FhirServerException(Kind.SERVER_ERROR, s, "The server failed (" + s + ") on " + what + "."
                    + detail, null, retryAfter)
                    : new FhirServerException(Kind.REJECTED, s, "The server rejected " + what + " (" + s + ")."
                    + detail);
        };
    }

    /** The OperationOutcome's diagnostics, if the body is one, as " Server says: …". */
    private String diagnostics(byte[] body) {
        try {
            JsonNode n = mapper.readTree(body);
            if (n != null && "OperationOutcome".equals(n.path("resourceType").asText())) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode issue : n.path("issue")) {
                    String d = issue.path("diagnostics").asText(issue.path("details").path("text").asText(""));
                    if (!d.isBlank()) {
                        sb.append(sb.length() == 0 ? "" : "; ").append(d);
                    }
                }
                if (sb.length() > 0) {
                    return " Server says: " + (sb.length() > 500 ? sb.substring(0, 500) + "…" : sb) + ".";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: no details to add
        }
        return "";
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(h)));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(java.time.Instant.now(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (java.time.format.DateTimeParseException e2) {
                return null;
            }
        }
    }
}
