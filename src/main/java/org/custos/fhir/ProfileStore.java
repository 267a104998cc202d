package org.custos.fhir;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * Server profiles in the user's preferences (one child node per profile); their passwords and tokens in a
 * {@link SecretBackend} (the keyring, see {@link Secrets}), never in the preferences.
 */
public final class ProfileStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProfileStore.class);
    /** The node of the user's preferences that holds the app's profiles (the command line reads it too). */
    public static final String USER_NODE = "org/custos/servers";

    private final Preferences root;
    private final SecretBackend secrets;
    /** Signed-in SMART sessions by profile name: memory only, gone when the app ends or the user signs out. */
    private final java.util.Map<String, Signed> sessions = new java.util.concurrent.ConcurrentHashMap<>();

    /** A session and the base URL it was signed in for: its token goes to no other. */
    private record Signed(SmartSession session, String baseUrl) {
    }

    public ProfileStore(Preferences root, SecretBackend secrets) {
        this.root = root;
        this.secrets = secrets;
    }

    public List<ServerProfile> list() {
        List<ServerProfile> out = new ArrayList<>();
        try {
            String[] names = root.childrenNames();
            Arrays.sort(names);
            for (String key : names) {
                read(root.node(key)).ifPresent(out::add);
            }
        } catch (BackingStoreException e) {
            throw new IllegalStateException("Cannot read the server profiles: " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
        return out;
    }

    /**
     * The base URLs of the profiles that receive Custos's own audit trail (read from the preferences only: no
     * secret is decrypted for it). Empty when the preferences cannot be read.
     */
    public List<String> trailReceivers() {
        List<String> out = new ArrayList<>();
        try {
            for (String key : root.childrenNames()) {
                Preferences n = root.node(key);
                String url = n.get("baseUrl", null);
                if (url != null && n.get("name", null) != null && n.getBoolean("sendTrail", false)) {
                    out.add(url);
                }
            }
        } catch (BackingStoreException | IllegalStateException e) {
            return List.of();
        }
        return out;
    }

    public Optional<ServerProfile> find(String name) {
        return list().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * From now on the profile {@code name} (as {@link #list()} and {@link #find} return it, so every sync, write and
     * sent trail) carries this session's token; a session it had is replaced.
     */
    public void signedIn(ServerProfile profile, SmartSession session) {
        Signed old = sessions.put(profile.name(), new Signed(session, profile.baseUrl()));
        if (old != null && old.session() != session) {
            old.session().replaced(); // its refresh token in the keyring is the new session's now: left alone
        }
        // who signed in, kept beside the refresh token: a sign-in resumed at the next start names the same person
        // even when the server sends no id token with a refreshed token
        // (always replaced: an earlier sign-in's user never stays beside a later sign-in's refresh token)
        if (profile.smart() == null || !secrets.keyring()) {
            return;
        }
        String entry = userName(profile.name(), profile.baseUrl(), profile.smart().clientId());
        String user = session.shown().fhirUser();
        try {
            if (user != null && keptRefreshToken(profile).isPresent()) {
                secrets.put(entry, user);
            } else {
                secrets.remove(entry);
            }
        } catch (IllegalStateException e) {
            LOG.warn("The keyring did not take who signed in to {}", profile.name());
            removeQuietly(entry);
        }
    }

    /** Who signed in to profile {@code p} when its kept refresh token was issued (see {@link #signedIn}). */
    public Optional<String> keptUser(ServerProfile p) {
        return p.smart() == null ? Optional.empty() : kept(userName(p.name(), p.baseUrl(), p.smart().clientId()));
    }

    /** The profile's session, while it is signed in. */
    public Optional<SmartSession> session(String name) {
        Signed s = sessions.get(name);
        return s != null && s.session().signedIn() ? Optional.of(s.session()) : Optional.empty();
    }

    /**
     * Signs the profile out: its session's tokens are revoked where the server allows and forgotten, and a refresh
     * token kept for it in the keyring is removed (also when no session is in memory, e.g. one that could not be
     * resumed).
     *
     * @return what became of it, in words
     */
    public String signOut(String name) {
        Signed s = sessions.remove(name);
        String said = s == null ? "Signed out." : s.session().signOut();
        Preferences n = nodeOf(name);
        if (n != null) {
            removeQuietly(refreshName(name, n.get("baseUrl", ""), n.get("smartClientId", "")));
            removeQuietly(userName(name, n.get("baseUrl", ""), n.get("smartClientId", "")));
        }
        return said;
    }

    /**
     * Where a session of profile {@code p} keeps its refresh token: the keyring, when there is one, under an entry
     * bound to the profile's name, base URL and client id (a profile pointed elsewhere finds none); else nowhere (the
     * sign-in lasts while the app runs). Null is "forget it". A keyring that refuses is not an error: the sign-in
     * then lasts while the app runs.
     */
    public java.util.function.Consumer<String> refreshKeeper(ServerProfile p) {
        String entry = refreshName(p.name(), p.baseUrl(), p.smart().clientId());
        return token -> {
            try {
                if (token == null) {
                    secrets.remove(entry);
                    secrets.remove(userName(p.name(), p.baseUrl(), p.smart().clientId()));
                } else if (secrets.keyring() && nodeOf(p.name()) != null) {
                    secrets.put(entry, token); // (not for a profile deleted meanwhile)
                }
            } catch (IllegalStateException e) {
                LOG.warn("The keyring did not take the sign-in of {} ({}): it lasts until Custos closes", p.name(),
                        e.getClass().getSimpleName());
            }
        };
    }

    /** The refresh token an earlier sign-in to profile {@code p} (this base URL, this client) left in the keyring. */
    public Optional<String> keptRefreshToken(ServerProfile p) {
        return kept(refreshName(p.name(), p.baseUrl(), p.smart().clientId()));
    }

    /** A keyring entry's value; empty without a keyring, or when the keyring will not say. */
    private Optional<String> kept(String entry) {
        if (!secrets.keyring()) {
            return Optional.empty();
        }
        try {
            return secrets.get(entry);
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** Whether secrets are kept in the operating system's keyring (may look for it first: not on the UI thread). */
    public boolean keyring() {
        return secrets.keyring();
    }

    /** Where secrets are kept, when the user should know (no keyring). */
    public Optional<String> secretsWarning() {
        return secrets.warning();
    }

    /**
     * Who is signed in, for Custos's own trail: the fhirUser of the signed-in sessions, made absolute with its server's
     * base URL — only when that is one person (sessions naming different people, or none, name nobody here: the
     * trail then names the operating-system user). A patient's session is patient mode's: never the staff's trail.
     */
    public Optional<String> signedInUser() {
        java.util.Set<String> users = new java.util.TreeSet<>();
        for (Signed s : sessions.values()) {
            String u = s.session().signedIn() ? s.session().shown().fhirUser() : null;
            if (u != null && !u.isBlank() && PatientReference.ofUser(u, s.baseUrl()).isEmpty()) {
                users.add(u.matches("(?i)https?://.*") ? u : s.baseUrl() + "/" + u);
            }
        }
        return users.size() == 1 ? Optional.of(users.iterator().next()) : Optional.empty();
    }

    /**
     * {@code p} (say, as a form has it) with the session its name is signed in with, if that was for the same base URL
     * and it is a SMART profile; else as it is.
     */
    public ServerProfile attach(ServerProfile p) {
        return p.auth() == ServerProfile.AuthKind.SMART && p.tokens() == null
                ? p.withSession(sessionFor(p.name(), p.baseUrl())) : p;
    }

    /** The session of a profile, if it is signed in for this very base URL (a changed URL gets no token). */
    private SmartSession sessionFor(String name, String baseUrl) {
        Signed s = sessions.get(name);
        return s != null && s.session().signedIn() && s.baseUrl().equals(baseUrl) ? s.session() : null;
    }

    /** Saves (creating or replacing by name) a profile; its secret goes to the secret store. */
    public void save(ServerProfile p) {
        Preferences before = nodeOf(p.name());
        if (before != null && (p.auth() != ServerProfile.AuthKind.SMART
                || !before.get("baseUrl", "").equals(p.baseUrl())
                || !before.get("smartClientId", "").equals(p.smart().clientId())
                || !ServerProfile.AuthKind.SMART.name().equals(before.get("auth", ""))
                || !before.get("patient", "").equals(p.patient() == null ? "" : p.patient()))) {
            // another server, another client, another way in or another patient: the sign-in (in memory or kept)
            // is not for it
            signOut(p.name());
        } else if (before == null && sessions.containsKey(p.name())) {
            signOut(p.name());
        }
        Preferences n = root.node(key(p.name()));
        n.put("name", p.name());
        n.put("baseUrl", p.baseUrl());
        n.put("auth", p.auth().name());
        putOrRemove(n, "user", p.user());
        n.putLong("connectTimeoutMs", p.connectTimeout().toMillis());
        n.putLong("readTimeoutMs", p.readTimeout().toMillis());
        n.putInt("pageSize", p.pageSize());
        n.put("types", String.join(",", p.types()));
        n.putInt("cacheDays", p.cacheDays());
        n.putInt("syncEveryMinutes", p.syncEveryMinutes());
        n.putLong("overlapMs", p.overlap().toMillis());
        n.putBoolean("allowInsecure", p.allowInsecure());
        n.putBoolean("sendTrail", p.sendTrail());
        putOrRemove(n, "smartClientId", p.smart().clientId());
        putOrRemove(n, "smartScopes", p.smart().scopeText());
        putOrRemove(n, "tlsCaFile", p.tls().caFile());
        putOrRemove(n, "tlsClientCert", p.tls().clientCertFile());
        putOrRemove(n, "patient", p.patient());
        secrets.put(tlsName(p.name()), p.tls().clientCertFile() == null ? null : p.tls().clientCertPassword());
        if (p.tokens() == null) {
            // a signed-in session is memory only: its profile's stored secret is left as it is
            secrets.put(secretName(p.name()), p.auth() == ServerProfile.AuthKind.NONE ? null : p.secret());
        }
        flush();
    }

    /**
     * Deletes a profile: signed out first, each of its secrets removed (one the keyring refuses does not keep the others
     * from going), the profile last.
     *
     * @throws IllegalStateException what could not be removed
     */
    public void delete(String name) {
        List<String> failed = new ArrayList<>();
        try {
            signOut(name);
        } catch (RuntimeException e) {
            failed.add("the sign-in (" + e.getMessage() + ")");
        }
        for (String entry : new String[]{secretName(name), tlsName(name)}) {
            try {
                secrets.remove(entry);
            } catch (RuntimeException e) {
                failed.add("a stored secret (" + e.getMessage() + ")");
            }
        }
        try {
            root.node(key(name)).removeNode();
            flush();
        } catch (BackingStoreException e) {
            failed.add("the profile (" + e.getMessage() + ")");
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("The profile " + name + " was not deleted completely: "
                    + String.join("; ", failed) + ".");
        }
    }

    /** The preferences node of a saved profile, or null. */
    private Preferences nodeOf(String name) {
        try {
            return root.nodeExists(key(name)) && root.node(key(name)).get("name", null) != null
                    ? root.node(key(name)) : null;
        } catch (BackingStoreException | IllegalStateException e) {
            return null;
        }
    }

    private void removeQuietly(String entry) {
        try {
            secrets.remove(entry);
        } catch (IllegalStateException e) {
            LOG.warn("A kept sign-in could not be removed from the keyring ({})", e.getClass().getSimpleName());
        }
    }

    private Optional<ServerProfile> read(Preferences n) {
        String name = n.get("name", null);
        String url = n.get("baseUrl", null);
        if (name == null || url == null) {
            return Optional.empty();
        }
        ServerProfile.AuthKind auth;
        try {
            auth = ServerProfile.AuthKind.parse(n.get("auth", "NONE"));
        } catch (IllegalArgumentException e) {
            auth = ServerProfile.AuthKind.NONE;
        }
        String secret = null;
        if (auth != ServerProfile.AuthKind.NONE) {
            try {
                secret = secrets.get(secretName(name)).orElse(null);
            } catch (IllegalStateException e) {
                // e.g. secrets.key lost: the profile stays usable, its password or token must be entered again
                secret = null;
            }
        }
        String types = n.get("types", "");
        return Optional.of(new ServerProfile(name, url, auth, n.get("user", null), secret,
                Duration.ofMillis(n.getLong("connectTimeoutMs", 10_000)),
                Duration.ofMillis(n.getLong("readTimeoutMs", 60_000)), n.getInt("pageSize", 500),
                types.isBlank() ? null : new LinkedHashSet<>(Arrays.asList(types.split(","))),
                n.getInt("cacheDays", 0), n.getInt("syncEveryMinutes", 0),
                Duration.ofMillis(n.getLong("overlapMs", 300_000)), n.getBoolean("allowInsecure", false),
                n.getBoolean("sendTrail", false))
                .withSmart(SmartClient.of(n.get("smartClientId", ""), n.get("smartScopes", "")))
                .withTls(new TlsSettings(n.get("tlsCaFile", null), n.get("tlsClientCert", null),
                        n.get("tlsClientCert", null) == null ? null : secret(tlsName(name))))
                .withSession(auth == ServerProfile.AuthKind.SMART ? sessionFor(name, url.replaceAll("/+$", "")) : null)
                .withPatient(PatientReference.orNone(n.get("patient", null), why -> LOG.warn(
                        "The profile {} is read without patient mode: {}", name, why))));
    }

    private static void putOrRemove(Preferences n, String k, String v) {
        if (v == null || v.isEmpty()) {
            n.remove(k);
        } else {
            n.put(k, v);
        }
    }

    /** A preferences node name for a profile name (node names are limited to 80 characters, no '/'). */
    static String key(String name) {
        String k = name.replaceAll("[^A-Za-z0-9._-]", "_");
        String hash = Integer.toHexString(name.hashCode());
        return (k.length() > 60 ? k.substring(0, 60) : k) + "-" + hash;
    }

    private String secret(String name) {
        try {
            return secrets.get(name).orElse(null);
        } catch (IllegalStateException e) {
            return null; // unreadable: the password is asked for again
        }
    }

    private static String tlsName(String profileName) {
        return "tls." + key(profileName);
    }

    /** The keyring entry of who signed in, beside {@link #refreshName}. */
    private static String userName(String profileName, String baseUrl, String clientId) {
        return "signedin." + refreshName(profileName, baseUrl, clientId).substring("refresh.".length());
    }

    /** The keyring entry of a refresh token: for this profile name, base URL and client id only. */
    private static String refreshName(String profileName, String baseUrl, String clientId) {
        String bound = baseUrl.replaceAll("/+$", "") + "|" + clientId;
        String hash;
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(bound.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            hash = java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return "refresh." + key(profileName) + "." + hash;
    }

    private static String secretName(String profileName) {
        return "server." + key(profileName);
    }

    private void flush() {
        try {
            root.flush();
        } catch (BackingStoreException e) {
            throw new IllegalStateException("Cannot save the server profiles: " + e.getMessage(), e);
        }
    }
}
