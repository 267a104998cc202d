package org.custos.fhir;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A FHIR server Custos syncs with: where it is, how to authenticate, how to page, what to keep. The secret (password
 * or token) is held only in memory; {@link ProfileStore} keeps it out of the preferences file.
 *
 * @param cacheDays         keep only AuditEvents recorded in the last N days (0: all)
 * @param syncEveryMinutes  sync in the background every N minutes while the app runs (0: only on request)
 * @param overlap           how far back before the last checkpoint each incremental sync starts again
 * @param allowInsecure     the user accepts that credentials go over plain http to a host other than this machine
 *                          (see {@link #insecureProblem()})
 * @param sendTrail         Custos's own audit trail (its searches, opened events, exports, reports, decisions) is
 *                          also sent to this server, from the outbox (POST, in order, each once)
 * @param smart             the SMART client settings (client id, scopes asked for), used with {@link AuthKind#SMART};
 *                          kept when another kind is chosen. With SMART, {@code secret} is the client secret of a
 *                          confidential client (empty: a public client, the usual case for a desktop app)
 * @param tls               a CA file trusted besides Java's own and a client certificate (mutual TLS); verification
 *                          is always on
 * @param tokens            a signed-in SMART session whose token is the bearer (no fixed secret); memory only, never
 *                          saved
 * @param patient           patient mode: the one patient ({@code Patient/<id>}) whose data this profile syncs, null for
 *                          staff use (see {@link #patientMode()})
 */
public record ServerProfile(String name, String baseUrl, AuthKind auth, String user, String secret,
                            Duration connectTimeout, Duration readTimeout, int pageSize, Set<String> types,
                            int cacheDays, int syncEveryMinutes, Duration overlap, boolean allowInsecure,
                            boolean sendTrail, SmartClient smart, TlsSettings tls, TokenSource tokens,
                            String patient) {

    /** Every type Custos can sync, in the order it syncs them. */
    public static final List<String> SYNC_TYPES = List.of("AuditEvent", "Consent", "Provenance", "Patient",
            "Practitioner", "Organization", "RelatedPerson");
    /** What a profile syncs unless told otherwise; the people types are chosen on purpose. */
    public static final List<String> DEFAULT_TYPES = List.of("AuditEvent", "Consent", "Provenance");
    /** The people types: optional, for the names lists show instead of bare references. */
    public static final List<String> PEOPLE_TYPES = List.of("Patient", "Practitioner", "Organization",
            "RelatedPerson");
    public static final int MAX_PAGE_SIZE = 1000;

    /** How requests are authenticated (SMART: a token from signing in through the browser, see {@link SmartSignIn}). */
    public enum AuthKind {
        NONE, BASIC, BEARER, SMART;

        public static AuthKind parse(String s) {
            return s == null ? NONE : valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    public ServerProfile {
        baseUrl = baseUrl == null ? "" : stripSlash(baseUrl.trim());
        auth = auth == null ? AuthKind.NONE : auth;
        types = types == null || types.isEmpty() ? new LinkedHashSet<>(DEFAULT_TYPES) : new LinkedHashSet<>(types);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
        overlap = overlap == null ? Duration.ofMinutes(5) : overlap;
        smart = smart == null ? SmartClient.NONE : smart;
        tls = tls == null ? TlsSettings.NONE : tls;
        patient = patient == null || patient.isBlank() ? null : PatientReference.of(patient);
    }

    /** A profile without patient mode. */
    public ServerProfile(String name, String baseUrl, AuthKind auth, String user, String secret,
                         Duration connectTimeout, Duration readTimeout, int pageSize, Set<String> types,
                         int cacheDays, int syncEveryMinutes, Duration overlap, boolean allowInsecure,
                         boolean sendTrail, SmartClient smart, TlsSettings tls, TokenSource tokens) {
        this(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types, cacheDays,
                syncEveryMinutes, overlap, allowInsecure, sendTrail, smart, tls, tokens, null);
    }

    /** A profile without a SMART session. */
    public ServerProfile(String name, String baseUrl, AuthKind auth, String user, String secret,
                         Duration connectTimeout, Duration readTimeout, int pageSize, Set<String> types,
                         int cacheDays, int syncEveryMinutes, Duration overlap, boolean allowInsecure,
                         boolean sendTrail) {
        this(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types, cacheDays,
                syncEveryMinutes, overlap, allowInsecure, sendTrail, null, null, null);
    }

    /** A profile that does not send Custos's own audit trail. */
    public ServerProfile(String name, String baseUrl, AuthKind auth, String user, String secret,
                         Duration connectTimeout, Duration readTimeout, int pageSize, Set<String> types,
                         int cacheDays, int syncEveryMinutes, Duration overlap, boolean allowInsecure) {
        this(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types, cacheDays,
                syncEveryMinutes, overlap, allowInsecure, false);
    }

    /** A profile that does not allow credentials over plain http to another host (the usual case). */
    public ServerProfile(String name, String baseUrl, AuthKind auth, String user, String secret,
                         Duration connectTimeout, Duration readTimeout, int pageSize, Set<String> types,
                         int cacheDays, int syncEveryMinutes, Duration overlap) {
        this(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types, cacheDays,
                syncEveryMinutes, overlap, false);
    }

    /** A profile with the usual settings: no authentication, pages of 500, all three types, everything kept. */
    public static ServerProfile of(String name, String baseUrl) {
        return new ServerProfile(name, baseUrl, AuthKind.NONE, null, null, null, null, 500, null, 0, 0, null);
    }

    /** The same profile with this authentication (a SMART session it carried is dropped). */
    public ServerProfile withAuth(AuthKind kind, String newUser, String newSecret) {
        return new ServerProfile(name, baseUrl, kind, newUser, newSecret, connectTimeout, readTimeout, pageSize,
                types, cacheDays, syncEveryMinutes, overlap, allowInsecure, sendTrail, smart, tls, null, patient);
    }

    /** The same profile with these TLS additions (a CA file, a client certificate). */
    public ServerProfile withTls(TlsSettings settings) {
        return new ServerProfile(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types,
                cacheDays, syncEveryMinutes, overlap, allowInsecure, sendTrail, smart, settings, tokens, patient);
    }

    /** The same profile with these SMART client settings (a SMART session it carried is dropped). */
    public ServerProfile withSmart(SmartClient client) {
        return new ServerProfile(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types,
                cacheDays, syncEveryMinutes, overlap, allowInsecure, sendTrail, client, tls, null, patient);
    }

    public ServerProfile withTimeouts(Duration connect, Duration read) {
        return new ServerProfile(name, baseUrl, auth, user, secret, connect, read, pageSize, types, cacheDays,
                syncEveryMinutes, overlap, allowInsecure, sendTrail, smart, tls, tokens, patient);
    }

    public ServerProfile withPaging(int newPageSize, Set<String> newTypes, int newCacheDays) {
        return new ServerProfile(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, newPageSize,
                newTypes, newCacheDays, syncEveryMinutes, overlap, allowInsecure, sendTrail, smart, tls, tokens,
                patient);
    }

    public ServerProfile withSchedule(int everyMinutes, Duration newOverlap) {
        return new ServerProfile(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types,
                cacheDays, everyMinutes, newOverlap, allowInsecure, sendTrail, smart, tls, tokens, patient);
    }

    /** The same profile, allowing (or not) credentials over plain http to a host other than this machine. */
    public ServerProfile withAllowInsecure(boolean allow) {
        return new ServerProfile(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types,
                cacheDays, syncEveryMinutes, overlap, allow, sendTrail, smart, tls, tokens, patient);
    }

    /** The same profile, sending Custos's own audit trail to the server (or not). */
    public ServerProfile withSendTrail(boolean send) {
        return new ServerProfile(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types,
                cacheDays, syncEveryMinutes, overlap, allowInsecure, send, smart, tls, tokens, patient);
    }

    /**
     * The same profile, its requests carrying the token of a signed-in SMART session (null: none). A SMART profile
     * stays SMART; another becomes a bearer-token one.
     */
    public ServerProfile withSession(TokenSource session) {
        if (session == null) {
            return withName(name);
        }
        return new ServerProfile(name, baseUrl, auth == AuthKind.SMART ? AuthKind.SMART : AuthKind.BEARER, null,
                auth == AuthKind.SMART ? secret : null, connectTimeout, readTimeout, pageSize, types, cacheDays,
                syncEveryMinutes, overlap, allowInsecure, sendTrail, smart, tls, session, patient);
    }

    /** The same profile under another name, without a session (a sign-in belongs to the profile it was made for). */
    public ServerProfile withName(String newName) {
        return new ServerProfile(newName, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types,
                cacheDays, syncEveryMinutes, overlap, allowInsecure, sendTrail, smart, tls, null, patient);
    }

    /**
     * The same profile in patient mode for {@code reference} ({@code Patient/<id>} or the bare id; null, blank: staff).
     *
     * @throws IllegalArgumentException not a patient reference, said so
     */
    public ServerProfile withPatient(String reference) {
        return new ServerProfile(name, baseUrl, auth, user, secret, connectTimeout, readTimeout, pageSize, types,
                cacheDays, syncEveryMinutes, overlap, allowInsecure, sendTrail, smart, tls, tokens,
                reference == null || reference.isBlank() ? null : PatientReference.of(reference));
    }

    /**
     * Patient mode: a patient uses Custos for their own data. Only that patient's AuditEvents and Consents are
     * synced (searched with {@code patient=}, and anything else a server returns is not stored), and the people
     * directory's practitioners and organizations when chosen; never other patients, their related persons, or a
     * type's whole history.
     */
    public boolean patientMode() {
        return patient != null;
    }

    /** The types patient mode syncs, of those a profile can choose. */
    public static final List<String> PATIENT_MODE_TYPES = List.of("AuditEvent", "Consent", "Practitioner",
            "Organization");

    /** The types a sync fetches, in order: the chosen ones; in patient mode only those it allows. */
    public List<String> typesToSync() {
        List<String> out = new ArrayList<>();
        for (String t : SYNC_TYPES) {
            if (types.contains(t) && (!patientMode() || PATIENT_MODE_TYPES.contains(t))) {
                out.add(t);
            }
        }
        return out;
    }

    /** The types searched by patient in patient mode (the others it syncs are the people directory's). */
    public static final List<String> PATIENT_SEARCHED_TYPES = List.of("AuditEvent", "Consent");

    /**
     * What narrows a search of {@code type} to the profile's patient: {@code &patient=Patient/<id>} in patient mode
     * for the types the patient's record holds, else nothing.
     */
    public String patientParameter(String type) {
        return patientMode() && PATIENT_SEARCHED_TYPES.contains(type) ? "&patient=" + patient : "";
    }

    /** Whether requests carry a bearer token (a fixed one or a SMART session's). */
    public boolean sendsBearer() {
        return auth == AuthKind.BEARER || auth == AuthKind.SMART;
    }

    /**
     * The bearer token to send now: the session's (renewed as needed), else the fixed one.
     *
     * @throws SmartException a SMART profile nobody has signed in to (or whose sign-in ended)
     */
    public String bearer() {
        if (tokens != null) {
            return tokens.bearer();
        }
        if (auth == AuthKind.SMART) {
            throw new SmartException("Not signed in to " + name + ": sign in first (Servers tab, \"Sign in\"; "
                    + "custos sync --client-id … --key … for unattended use).");
        }
        return secret;
    }

    public URI baseUri() {
        return URI.create(baseUrl);
    }

    /** What is wrong with this profile, in words; empty when it can be used. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (name == null || name.isBlank()) {
            out.add("The profile needs a name.");
        }
        try {
            URI u = new URI(baseUrl);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                out.add("The base URL must start with http:// or https:// (got '" + baseUrl + "').");
            } else if (u.getHost() == null) {
                out.add("The base URL '" + baseUrl + "' has no host name.");
            } else if (u.getUserInfo() != null) {
                out.add("Put the user name and password in the authentication fields, not in the base URL.");
            } else if (u.getQuery() != null || u.getFragment() != null) {
                out.add("The base URL must not have a query or fragment: '" + baseUrl + "'.");
            }
        } catch (java.net.URISyntaxException e) {
            out.add("The base URL is not a URL: " + e.getMessage());
        }
        if (auth == AuthKind.BASIC && (user == null || user.isBlank())) {
            out.add("HTTP Basic needs a user name.");
        }
        if (auth == AuthKind.SMART && (smart.clientId() == null || smart.clientId().isBlank())) {
            out.add("SMART sign-in needs the client id this app is registered under at the authorization server.");
        }
        if ((auth == AuthKind.BASIC || auth == AuthKind.BEARER) && tokens == null
                && (secret == null || secret.isEmpty())) {
            out.add(auth == AuthKind.BASIC ? "HTTP Basic needs a password." : "A bearer token is needed.");
        }
        if (auth == AuthKind.BASIC) {
            credentialProblem("user name", user).ifPresent(out::add);
            if (user != null && user.indexOf(':') >= 0) {
                out.add("The user name must not contain ':' (HTTP Basic cannot carry it).");
            }
        }
        if (auth != AuthKind.NONE && tokens == null) {
            credentialProblem(auth == AuthKind.BASIC ? "password" : auth == AuthKind.SMART ? "client secret"
                    : "bearer token", secret).ifPresent(out::add);
        }
        insecureProblem().ifPresent(out::add);
        if (patientMode() && tokens != null) {
            PatientReference.otherPatient(patient, tokens.signedInAs(), baseUrl).ifPresent(out::add);
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            out.add("The page size must be between 1 and " + MAX_PAGE_SIZE + " (got " + pageSize + ").");
        }
        for (String t : types) {
            if (!SYNC_TYPES.contains(t)) {
                out.add("Custos cannot sync '" + t + "': only " + String.join(", ", SYNC_TYPES) + ".");
            }
        }
        if (cacheDays < 0 || syncEveryMinutes < 0 || overlap.isNegative()) {
            out.add("The cache window, the sync interval and the overlap cannot be negative.");
        }
        if (connectTimeout.isZero() || connectTimeout.isNegative() || readTimeout.isZero()
                || readTimeout.isNegative()) {
            out.add("Timeouts must be longer than zero.");
        }
        return out;
    }

    /**
     * Why a user name, password or token cannot go into an HTTP header: a line break (a token file saved on
     * Windows), another control character, or a character outside Latin-1. The message names the field and never
     * quotes the value.
     */
    public static java.util.Optional<String> credentialProblem(String field, String value) {
        if (value == null) {
            return java.util.Optional.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                return java.util.Optional.of("The " + field + " contains a line break (at character " + (i + 1)
                        + " of " + value.length() + "; a file saved on Windows ends lines so): remove it.");
            }
            if (Character.isISOControl(c)) {
                return java.util.Optional.of("The " + field + " contains a control character (at character "
                        + (i + 1) + " of " + value.length() + "): remove it.");
            }
            if (c > 0xFF) {
                return java.util.Optional.of("The " + field + " contains a character HTTP headers cannot carry "
                        + "(outside Latin-1, at character " + (i + 1) + " of " + value.length() + ").");
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether credentials would go over plain http to a host other than this machine, and this is not allowed. */
    public java.util.Optional<String> insecureProblem() {
        if (auth == AuthKind.NONE || allowInsecure || !sendsCredentialsInTheClear()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("The " + (auth == AuthKind.BASIC ? "password" : "bearer token") + " would go "
                + "unencrypted over plain http to " + host() + ", which is not this machine. Use an https:// base "
                + "URL, or allow insecure connections for this profile (--allow-insecure on the command line) if "
                + "the network between you and the server is protected otherwise.");
    }

    /** Plain http to a host other than loopback (127.0.0.0/8, localhost, ::1) with credentials. */
    public boolean sendsCredentialsInTheClear() {
        if (auth == AuthKind.NONE) {
            return false;
        }
        try {
            URI u = new URI(baseUrl);
            return "http".equalsIgnoreCase(u.getScheme()) && !isLoopback(u.getHost());
        } catch (java.net.URISyntaxException e) {
            return false; // not a URL at all: problems() says so
        }
    }

    private String host() {
        try {
            String h = new URI(baseUrl).getHost();
            return h == null ? "the server" : h;
        } catch (java.net.URISyntaxException e) {
            return "the server";
        }
    }

    /** A loopback address written as such: no name is resolved (a DNS answer could point anywhere). */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")
                || h.equals("[0:0:0:0:0:0:0:1]")) {
            return true;
        }
        return h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String stripSlash(String s) {
        String out = s;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    @Override
    public String toString() {
        // never the secret
        return "ServerProfile[" + name + ", " + baseUrl + ", " + auth + (user == null ? "" : " as " + user)
                + (allowInsecure ? ", insecure allowed" : "") + (sendTrail ? ", receives the trail" : "")
                + (auth == AuthKind.SMART ? ", client " + smart.clientId() : "")
                + (tokens != null ? ", signed in" : "") + "]";
    }
}
