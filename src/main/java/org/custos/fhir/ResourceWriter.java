package org.custos.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PreferReturnEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.interceptor.BasicAuthInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClients;
import org.custos.fhir.FhirServerException.Kind;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.Resource;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Writes single resources to one FHIR server (a {@link ServerProfile}) with HAPI's generic client: a PUT to
 * {@code Type/id}, with {@code If-Match: W/"n"} when the write is based on version n. A version conflict (409 or
 * 412) becomes a {@link VersionConflictException} carrying the server's current version, read right after; every
 * other failure a {@link FhirServerException} whose message names the problem and never holds the secret.
 * <p>
 * New resources get an id chosen here ({@link #newId()}) and are PUT as well: sending the same new resource again
 * (after a crash, say) stores it once. Reads go through {@link FhirHttp} (the sync's reader), so the JSON returned
 * is the server's text exactly as a sync would store it.
 */
public final class ResourceWriter implements AutoCloseable {
    /** A FHIR id: 1-64 of letters, digits, '-' and '.'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");

    /** A version as the server stores it. {@code json}: the server's text (compact JSON, meta included). */
    public record Stored(String type, String id, String versionId, Instant lastUpdated, String json) {
    }

    private final Fhir fhir;
    private final ServerProfile profile;
    private final Redactor redactor;
    private final IGenericClient client;
    private final org.apache.http.impl.client.CloseableHttpClient httpClient;
    private final FhirHttp http;

    /** A writer whose reads are tried once (a failed send stays in the outbox and is tried again later). */
    public ResourceWriter(Fhir fhir, ServerProfile profile) {
        this(fhir, profile, RetryPolicy.ONCE, new Cancellation());
    }

    public ResourceWriter(Fhir fhir, ServerProfile profile, RetryPolicy readRetry, Cancellation cancel) {
        this.fhir = fhir;
        this.profile = profile;
        this.redactor = Redactor.of(profile);
        this.http = new FhirHttp(profile, readRetry, cancel, null);
        // a factory of its own: timeouts, no redirects, no automatic retries and the profile's TLS for this profile
        // only (the shared FhirContext's factory is left as it is). It always hands out this client: HAPI's factory
        // otherwise drops a client it was given and builds a default one (Java's trust, redirects, retries)
        int connect = (int) Math.min(Integer.MAX_VALUE, profile.connectTimeout().toMillis());
        int read = (int) Math.min(Integer.MAX_VALUE, profile.readTimeout().toMillis());
        javax.net.ssl.SSLContext tls = Tls.context(profile.tls());
        org.apache.http.impl.client.HttpClientBuilder builder = HttpClients.custom();
        if (tls != null) {
            builder.setSSLContext(tls); // host names are still verified
        }
        org.apache.http.impl.client.CloseableHttpClient own = builder
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(connect)
                        .setConnectionRequestTimeout(connect).setSocketTimeout(read).build())
                .build();
        this.httpClient = own;
        // HAPI's generic client takes each request's HTTP client from the context's factory: this writer's own goes
        // to the requests it makes (call(...)); the factory here only makes the generic client
        ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(fhir.context());
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setHttpClient(own);
        this.client = factory.newGenericClient(profile.baseUrl());
        client.setEncoding(EncodingEnum.JSON);
        client.setPrettyPrint(false);
        switch (profile.auth()) {
            case BASIC -> client.registerInterceptor(new BasicAuthInterceptor(profile.user(), profile.secret()));
            case BEARER -> client.registerInterceptor(profile.tokens() == null
                    ? new BearerTokenAuthInterceptor(profile.secret()) : new SessionBearer(profile.tokens()));
            case SMART -> client.registerInterceptor(SessionBearer.of(profile));
            default -> { }
        }
    }

    /** A new client-chosen id: a random UUID (36 characters, never all digits, so any HAPI id strategy takes it). */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Stores {@code json} as {@code type/id}. {@code ifMatchVersion}: the version this write is based on, sent as
     * If-Match (the server refuses when it holds another one: {@link VersionConflictException}); null writes without
     * If-Match (creates, or replaces whatever is there). The id and type in the JSON are set to these; its
     * meta.versionId and meta.lastUpdated are the server's business and are not sent.
     *
     * @throws VersionConflictException the server holds another version; nothing was written
     * @throws FhirServerException      anything else: unreachable, refused, rejected (with the server's words)
     * @throws FhirFormatException      {@code json} is not a {@code type} resource
     */
    public Stored put(String type, String id, String json, String ifMatchVersion) {
        checkIdentity(type, id);
        IBaseResource resource = toSend(type, id, json);
        FhirHttp.refuseUnsafeCredentials(profile);
        IdType target = ifMatchVersion == null ? new IdType(type, id) : new IdType(type, id, ifMatchVersion);
        MethodOutcome outcome;
        try {
            outcome = call(() -> client.update().resource(resource).withId(target)
                    .prefer(PreferReturnEnum.REPRESENTATION).execute());
        } catch (PreconditionFailedException | ResourceVersionConflictException e) {
            throw conflict(type, id, ifMatchVersion, e.getStatusCode());
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            if (ifMatchVersion != null) {
                // based on a version, and the resource is gone: the server's state is not what the write assumed
                throw conflict(type, id, ifMatchVersion, e.getStatusCode());
            }
            throw failure("storing " + type + "/" + id, e);
        } catch (RuntimeException e) {
            throw failure("storing " + type + "/" + id, e);
        }
        String version = outcome.getId() == null ? null : outcome.getId().getVersionIdPart();
        return afterWrite(type, id, version, outcome.getResource());
    }

    /**
     * Stores a resource that must be new: when the server has {@code type/id} already (not deleted), nothing is
     * written and a {@link VersionConflictException} carries what it holds. Otherwise as {@link #put} without
     * If-Match (a resend of the same new resource stores it once). A resource the server deleted is written again
     * (re-created: the outbox's "re-create mine" after the user chose it); see {@link #create(String, String, String,
     * boolean)} to refuse that.
     */
    public Stored create(String type, String id, String json) {
        return create(type, id, json, true);
    }

    /**
     * As {@link #create(String, String, String)}; with {@code reviveDeleted} false, an id the server deleted (410
     * Gone) is refused too: a {@link VersionConflictException} without the server's text, nothing written — a file
     * must not bring back a consent someone deleted without a word. The check and the write are two requests: a
     * writer that creates the same id between them is overwritten (FHIR STU3 has no conditional create by id).
     */
    public Stored create(String type, String id, String json, boolean reviveDeleted) {
        checkIdentity(type, id);
        toSend(type, id, json); // refuse what is not a resource of this type before asking the server anything
        Optional<Stored> there;
        try {
            there = Optional.of(stored(type, id, http.getJson(http.at(type + "/" + id))));
        } catch (FhirServerException e) {
            if (e.kind() == Kind.GONE && !reviveDeleted) {
                throw new VersionConflictException(type, id, null, null, null, 410, "Version conflict: the server "
                        + profile.baseUrl() + " deleted " + type + "/" + id + "; nothing was written (re-creating "
                        + "a deleted resource needs a deliberate choice).");
            }
            if (e.kind() != Kind.NOT_FOUND && e.kind() != Kind.GONE) {
                throw e;
            }
            there = Optional.empty();
        }
        if (there.isPresent()) {
            Stored s = there.get();
            throw new VersionConflictException(type, id, null, s.versionId(), s.json(), 0, "Version conflict: the "
                    + "server " + profile.baseUrl() + " has " + type + "/" + id + " already (version "
                    + s.versionId() + "); nothing was written.");
        }
        return put(type, id, json, null);
    }

    /**
     * Creates {@code json} with a POST (the server chooses the id), once: the request is conditional
     * ({@code If-None-Exist: _tag=system|code}), so a resend of an entry whose first answer was lost does not store
     * it twice on a server that honours conditional creates; {@link #findTagged} is the check for those that do not.
     * The resource must carry that tag (Custos's own audit events carry their Custos id as one).
     *
     * @throws FhirServerException anything else: unreachable, refused, rejected (with the server's words)
     * @throws FhirFormatException {@code json} is not a {@code type} resource, or lacks the tag
     */
    public Stored post(String type, String json, String tagSystem, String tagCode) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("Not a FHIR resource type: '" + type + "'.");
        }
        IBaseResource resource = toSend(type, null, json);
        if (!(resource instanceof Resource res) || res.getMeta().getTag(tagSystem, tagCode) == null) {
            throw new FhirFormatException("The " + type + " to post lacks its tag " + tagSystem + "|" + tagCode
                    + ": the server could not tell a resend from a new one.");
        }
        FhirHttp.refuseUnsafeCredentials(profile);
        MethodOutcome outcome;
        try {
            outcome = call(() -> client.create().resource(resource)
                    .conditionalByUrl(type + "?_tag=" + urlPart(tagSystem) + "|" + urlPart(tagCode))
                    .prefer(PreferReturnEnum.REPRESENTATION).execute());
        } catch (RuntimeException e) {
            throw failure("posting " + (type.matches("[AEIOU].*") ? "an " : "a ") + type, e);
        }
        if (outcome.getId() == null || !outcome.getId().hasIdPart()) {
            return findTagged(type, tagSystem, tagCode).orElseThrow(() -> new FhirServerException(Kind.BAD_RESPONSE,
                    0, "The server " + profile.baseUrl() + " accepted a " + type + " but did not say where."));
        }
        // no read-back (one request per event): where it was stored is all the outbox keeps
        return new Stored(type, outcome.getId().getIdPart(), outcome.getId().getVersionIdPart(), null, "");
    }

    /** The server's {@code type} tagged {@code system|code} (the first, if several); empty when it has none. */
    public Optional<Stored> findTagged(String type, String tagSystem, String tagCode) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("Not a FHIR resource type: '" + type + "'.");
        }
        ObjectNode bundle = http.getJson(http.at(type + "?_tag=" + urlPart(tagSystem) + "%7C" + urlPart(tagCode)
                + "&_count=1"));
        for (com.fasterxml.jackson.databind.JsonNode e : bundle.path("entry")) {
            // the tag checked here: a server that ignores _tag answers with whatever it has
            if (e.path("resource") instanceof ObjectNode r && type.equals(r.path("resourceType").asText())
                    && hasTag(r, tagSystem, tagCode)) {
                return Optional.of(stored(type, r.path("id").asText(), r));
            }
        }
        if (bundle.path("total").asInt(0) > 0 || bundle.path("entry").size() > 0) {
            // it found something without the tag: it did not search by tag, so it cannot say whether it holds ours
            throw new FhirServerException(Kind.BAD_RESPONSE, 0, "The server " + profile.baseUrl() + " does not "
                    + "search " + type + " by _tag: it cannot say whether it holds an earlier send already.");
        }
        return Optional.empty();
    }

    private static boolean hasTag(ObjectNode r, String system, String code) {
        for (com.fasterxml.jackson.databind.JsonNode t : r.path("meta").path("tag")) {
            if (system.equals(t.path("system").asText(null)) && code.equals(t.path("code").asText(null))) {
                return true;
            }
        }
        return false;
    }

    private static String urlPart(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The server's current version of {@code type/id}; empty when it has none (never had it, or deleted it). */
    public Optional<Stored> read(String type, String id) {
        checkIdentity(type, id);
        try {
            ObjectNode node = http.getJson(http.at(type + "/" + id));
            return Optional.of(stored(type, id, node));
        } catch (FhirServerException e) {
            if (e.kind() == Kind.NOT_FOUND || e.kind() == Kind.GONE) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** One version of {@code type/id} (a vread). */
    public Optional<Stored> read(String type, String id, String versionId) {
        checkIdentity(type, id);
        if (versionId == null || !ID.matcher(versionId).matches()) {
            throw new IllegalArgumentException("Not a FHIR version id: '" + versionId + "'.");
        }
        try {
            return Optional.of(stored(type, id, http.getJson(http.at(type + "/" + id + "/_history/" + versionId))));
        } catch (FhirServerException e) {
            if (e.kind() == Kind.NOT_FOUND || e.kind() == Kind.GONE) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The versions of {@code type/id} in the server's {@code _history}, newest first, at most {@code max} (see
     * {@link InstanceHistory}); empty when the server never had it.
     */
    public InstanceHistory history(String type, String id, int max) {
        return history(type, id, max, 50);
    }

    InstanceHistory history(String type, String id, int max, int pageSize) {
        checkIdentity(type, id);
        FhirHttp.refuseUnsafeCredentials(profile);
        try {
            return call(() -> InstanceHistory.read(client, http, type, id, max, pageSize,
                    r -> stored(type, id, json(r))));
        } catch (RuntimeException e) {
            throw failure("reading the history of " + type + "/" + id, e);
        }
    }

    /** One or more requests of the generic client, made with this writer's own HTTP client. */
    private <T> T call(java.util.function.Supplier<T> requests) {
        return fhir.clients().using(httpClient, requests);
    }

    private ObjectNode json(IBaseResource r) {
        try {
            return (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    fhir.context().newJsonParser().encodeResourceToString(r));
        } catch (java.io.IOException | ClassCastException e) {
            throw new FhirServerException(Kind.BAD_RESPONSE, 0, "Cannot read the server's answer: " + e.getMessage());
        }
    }

    /** Whether two texts hold the same content (see {@link Fhir#sameContent}). */
    public boolean sameContent(String jsonA, String jsonB) {
        return fhir.sameContent(jsonA, jsonB);
    }

    public ServerProfile profile() {
        return profile;
    }

    /** Closes the write connections (reads use the JDK client, which goes with this object). */
    @Override
    public void close() {
        try {
            httpClient.close();
        } catch (java.io.IOException e) {
            // nothing left to do with them
        }
    }

    private Stored afterWrite(String type, String id, String version, IBaseResource returned) {
        if (version != null) {
            // the text as the server serves it (what a sync would store), not HAPI's re-encoding of it
            try {
                Optional<Stored> s = read(type, id, version);
                if (s.isPresent()) {
                    return s.get();
                }
            } catch (FhirServerException | IllegalArgumentException e) {
                // stored all the same: fall back to what the server answered to the PUT
            }
        }
        if (returned == null) {
            return read(type, id).orElseThrow(() -> new FhirServerException(Kind.BAD_RESPONSE, 0, "The server "
                    + profile.baseUrl() + " accepted " + type + "/" + id + " but does not return it."));
        }
        return stored(type, id, json(returned));
    }

    private Stored stored(String type, String id, ObjectNode node) {
        String t = node.path("resourceType").asText("");
        if (!t.equals(type)) {
            throw new FhirServerException(Kind.BAD_RESPONSE, 0, "The server answered a request for " + type + "/"
                    + id + " with " + (t.isEmpty() ? "something that is not a resource" : "a " + t) + ".");
        }
        String version = node.path("meta").path("versionId").asText(null);
        Instant lastUpdated = null;
        String lu = node.path("meta").path("lastUpdated").asText(null);
        if (lu != null) {
            try {
                lastUpdated = java.time.OffsetDateTime.parse(lu).toInstant();
            } catch (DateTimeParseException e) {
                // kept in the text; not a usable instant
            }
        }
        return new Stored(type, node.path("id").asText(id), version, lastUpdated, node.toString());
    }

    private IBaseResource toSend(String type, String id, String json) {
        if (json == null || json.isBlank()) {
            throw new FhirFormatException("Nothing to send: the " + type + " is empty.");
        }
        IBaseResource r;
        try {
            r = fhir.context().newJsonParser().parseResource(json);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new FhirFormatException("Not a FHIR STU3 JSON resource: " + Fhir.cleanMessage(e));
        }
        String actual = fhir.context().getResourceType(r);
        if (!type.equals(actual)) {
            throw new FhirFormatException("Expected a " + type + ", got a " + actual + ".");
        }
        r.setId(id == null ? null : new IdType(type, id));
        if (r instanceof Resource res && res.hasMeta()) {
            res.getMeta().setVersionId(null);
            res.getMeta().setLastUpdated(null);
        }
        return r;
    }

    private static void checkIdentity(String type, String id) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("Not a FHIR resource type: '" + type + "'.");
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Not a FHIR id (1-64 letters, digits, '-' or '.'): '" + id + "'.");
        }
    }

    /** The conflict with what the server holds now (read after the refusal; null fields when that fails). */
    private VersionConflictException conflict(String type, String id, String expected, int status) {
        Stored current = null;
        String readProblem = "";
        try {
            current = read(type, id).orElse(null);
        } catch (RuntimeException e) {
            readProblem = " (its current version could not be read: " + redactor.clean(String.valueOf(
                    e.getMessage())) + ")";
        }
        String now = current == null
                ? (readProblem.isEmpty() ? "no longer has it (deleted)" : "holds another version" + readProblem)
                : "holds version " + current.versionId();
        return new VersionConflictException(type, id, expected, current == null ? null : current.versionId(),
                current == null ? null : current.json(), status, "Version conflict (" + status + "): " + type + "/"
                + id + " was based on version " + expected + ", but the server " + profile.baseUrl() + " " + now
                + "; nothing was written.");
    }

    /** A failure of the HAPI client as a {@link FhirServerException} without the secret. */
    /** For a signed-in session: the scope writing the type would need ("storing Consent/1", "posting an AuditEvent"). */
    private String writeScopeNeeded(String what) {
        if (profile.tokens() == null) {
            return "";
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Z][A-Za-z]+)(/|$)").matcher(what);
        return m.find() ? " " + SmartScopes.refused(profile.tokens(), m.group(1), true) : "";
    }

    private FhirServerException failure(String what, RuntimeException e) {
        String where = profile.baseUrl();
        FhirServerException out;
        if (e instanceof FhirServerException f) {
            out = f;
            // before BaseServerResponseException: HAPI's connection failure is one of those (status 500)
        } else if (e instanceof FhirClientConnectionException) {
            if (hasCause(e, SocketTimeoutException.class)
                    || hasCause(e, org.apache.http.conn.ConnectTimeoutException.class)) {
                out = new FhirServerException(Kind.TIMEOUT, 0, "No answer from " + where + " in time when " + what
                        + " (timeouts: connect " + profile.connectTimeout().toSeconds() + " s, read "
                        + profile.readTimeout().toSeconds() + " s). It may have been stored anyway.", e);
            } else if (hasCause(e, UnknownHostException.class)) {
                out = new FhirServerException(Kind.UNREACHABLE, 0, "Unknown host '" + profile.baseUri().getHost()
                        + "': check the base URL " + where + ".", e);
            } else if (hasCause(e, ConnectException.class)) {
                out = new FhirServerException(Kind.UNREACHABLE, 0, "Cannot connect to " + where + " (" + rootMessage(e)
                        + "). Is the server running?", e);
            } else if (hasCause(e, javax.net.ssl.SSLException.class)) {
                out = new FhirServerException(Kind.TLS, 0, "The secure connection (TLS) to " + where + " failed: "
                        + rootMessage(e) + ". " + Tls.hint(rootMessage(e), profile), e);
            } else {
                out = new FhirServerException(Kind.BAD_RESPONSE, 0, "The connection to " + where + " failed when "
                        + what + " (" + rootMessage(e) + "). It may have been stored anyway.", e);
            }
        } else if (e instanceof BaseServerResponseException r) {
            int s = r.getStatusCode();
            String said = serverSays(r);
            Kind kind = e instanceof AuthenticationException ? Kind.UNAUTHORIZED
                    : e instanceof ForbiddenOperationException ? Kind.FORBIDDEN
                    : s == 404 ? Kind.NOT_FOUND
                    : s == 429 || s == 503 ? Kind.THROTTLED
                    : s >= 500 ? Kind.SERVER_ERROR
                    : Kind.REJECTED;
            String head = switch (kind) {
                case UNAUTHORIZED -> "The server " + where + " wants authentication (401) for " + what + "."
                        + (profile.auth() == ServerProfile.AuthKind.NONE ? " Give a user and password or a token."
                        : " Check the user name and password, or the token (it may have expired).");
                case FORBIDDEN -> "The server " + where + " refuses this account " + what + " (403 Forbidden)."
                        + writeScopeNeeded(what);
                case NOT_FOUND -> "Not found (404) when " + what + " on " + where + ": is the base URL right?";
                case THROTTLED -> "The server " + where + " is busy or unavailable (" + s + ") for " + what + ".";
                case SERVER_ERROR -> "The server " + where + " failed (" + s + ") when " + what + ".";
                default -> "The server " + where + " rejected " + what + " (" + s + ").";
            };
            out = new FhirServerException(kind, s, head + said, e);
        } else if (e instanceof DataFormatException) {
            out = new FhirServerException(Kind.BAD_RESPONSE, 0, "Cannot read the answer of " + where + " to " + what
                    + ": " + Fhir.cleanMessage(e), e);
        } else {
            out = new FhirServerException(Kind.BAD_RESPONSE, 0, what + " on " + where + " failed: "
                    + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()), e);
        }
        return redactor.clean(out);
    }

    /** The OperationOutcome's words, as " Server says: …" (cut at 500 characters). */
    private static String serverSays(BaseServerResponseException r) {
        StringBuilder sb = new StringBuilder();
        if (r.getOperationOutcome() instanceof org.hl7.fhir.dstu3.model.OperationOutcome oo) {
            for (org.hl7.fhir.dstu3.model.OperationOutcome.OperationOutcomeIssueComponent i : oo.getIssue()) {
                String d = i.hasDiagnostics() ? i.getDiagnostics() : i.getDetails().getText();
                if (d != null && !d.isBlank()) {
                    sb.append(sb.length() == 0 ? "" : "; ").append(d);
                }
            }
        }
        if (sb.length() == 0 && r.getMessage() != null) {
            sb.append(r.getMessage());
        }
        if (sb.length() == 0) {
            return "";
        }
        return " Server says: " + (sb.length() > 500 ? sb.substring(0, 500) + "…" : sb) + ".";
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
