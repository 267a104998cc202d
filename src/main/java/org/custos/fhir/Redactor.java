package org.custos.fhir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes a profile's password or token from text that leaves the fhir and sync layers: exception messages,
 * notices, log lines, the sync message stored in the cache, what a screen or the command line shows. The first
 * defence is {@link ServerProfile#problems()} (a secret that cannot go into a header is refused before anything is
 * sent); this one catches whatever still quotes it (a library's message, a server that echoes what it received).
 */
public final class Redactor {
    /** What stands where a secret was. */
    public static final String MARK = "[secret removed]";
    /** Shorter pieces of a secret are left alone: they would match ordinary words. */
    private static final int MIN_PIECE = 4;

    private final List<String> secrets;
    /** A signed-in session's tokens change: asked at each cleaning (null: none). */
    private final TokenSource tokens;

    private Redactor(List<String> secrets) {
        this(secrets, null);
    }

    private Redactor(List<String> secrets, TokenSource tokens) {
        this.secrets = secrets;
        this.tokens = tokens;
    }

    /** Nothing to remove. */
    public static Redactor none() {
        return new Redactor(List.of());
    }

    /**
     * The secret of this profile as it may appear: as given, trimmed, each piece between control characters or
     * white space (a message may have cut it at a line break), and the HTTP Basic header value made from it.
     */
    public static Redactor of(ServerProfile profile) {
        if (profile != null && profile.tokens() != null) {
            return new Redactor(List.of(), profile.tokens());
        }
        String secret = profile == null ? null : profile.secret();
        if (profile == null || profile.auth() == ServerProfile.AuthKind.NONE || secret == null || secret.isEmpty()) {
            return none();
        }
        Set<String> s = new LinkedHashSet<>();
        s.add(secret);
        s.add(secret.strip());
        for (String piece : secret.split("[\\p{Cntrl}\\s]+")) {
            if (piece.length() >= MIN_PIECE) {
                s.add(piece);
            }
        }
        if (profile.auth() == ServerProfile.AuthKind.BASIC) {
            String user = profile.user() == null ? "" : profile.user();
            s.add(Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
            s.add(Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.ISO_8859_1)));
        }
        s.removeIf(String::isEmpty);
        List<String> longestFirst = new ArrayList<>(s);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(longestFirst));
    }

    /** {@code text} without the secret; null stays null. */
    public String clean(String text) {
        List<String> all = secrets;
        if (tokens != null) {
            all = new ArrayList<>(tokens.secrets());
            all.sort(Comparator.comparingInt(String::length).reversed());
        }
        if (text == null || all.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : all) {
            out = out.replace(s, MARK);
        }
        return out;
    }

    /** Whether the text holds the secret (or a piece of it that would be removed). */
    public boolean leaks(String text) {
        return text != null && !text.equals(clean(text));
    }

    /** Whether a message anywhere in the cause chain (suppressed ones included) holds the secret. */
    public boolean leaks(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (leaks(c.getMessage()) || leaks(c.toString())) {
                return true;
            }
            for (Throwable s : c.getSuppressed()) {
                if (leaks(s)) {
                    return true;
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /**
     * A throwable fit to be logged or shown: {@code t} itself when nothing in it holds the secret, otherwise a
     * copy of the chain with the secret removed from every message (same stack traces, the original class named).
     */
    public Throwable clean(Throwable t) {
        if (t == null || !leaks(t)) {
            return t;
        }
        return copy(t, 0);
    }

    private Throwable copy(Throwable t, int depth) {
        Redacted r = new Redacted(t.getClass().getName() + (t.getMessage() == null ? "" : ": "
                + clean(t.getMessage())));
        r.setStackTrace(t.getStackTrace());
        if (t.getCause() != null && t.getCause() != t && depth < 20) {
            r.initCause(copy(t.getCause(), depth + 1));
        }
        return r;
    }

    /**
     * A {@link FhirServerException} whose message and causes do not hold the secret: {@code e} itself when it is
     * clean, otherwise the same kind, status and Retry-After with the secret removed.
     */
    public FhirServerException clean(FhirServerException e) {
        if (!leaks(e)) {
            return e;
        }
        return new FhirServerException(e.kind(), e.status(), clean(e.getMessage()),
                e.getCause() == null ? null : clean(e.getCause()), e.retryAfter());
    }

    /** Stands for a throwable whose message held a secret; its message names the original class. */
    static final class Redacted extends RuntimeException {
        Redacted(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getLocalizedMessage();
        }
    }
}
