package org.custos.fhir;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SMART scopes in both generations: v1 ({@code user/AuditEvent.read}, {@code user/Consent.write}) and v2
 * ({@code user/AuditEvent.rs}, {@code user/Consent.cud}). Which scopes a profile's work needs, whether granted scopes
 * cover reading or writing a type, and the scope to name when they do not.
 */
public final class SmartScopes {
    /** Asked for besides the resource scopes: who signed in (id token, fhirUser) and a refresh token. */
    public static final List<String> IDENTITY = List.of("openid", "fhirUser", "offline_access");

    private SmartScopes() {
    }

    /**
     * Whether the server speaks SMART v2 scopes: its configuration says {@code permission-v2}, or lists v2-style
     * scopes and no v1 ones.
     */
    public static boolean v2(SmartConfiguration config) {
        if (config.capabilities().contains("permission-v2")) {
            return true;
        }
        boolean v1Listed = config.scopesSupported().stream().anyMatch(s -> s.endsWith(".read") || s.endsWith(".write")
                || s.endsWith(".*"));
        boolean v2Listed = config.scopesSupported().stream().anyMatch(s -> s.matches(".*\\.c?r?u?d?s?$")
                && s.contains("/") && !s.endsWith(".read") && !s.endsWith(".write"));
        return v2Listed && !v1Listed;
    }

    /**
     * What a profile asks for when it names no scopes: read (and search) of every type it syncs; write of Consent
     * (the consent editor), Provenance (signing) and, when it receives Custos's own trail, AuditEvent; plus
     * {@link #IDENTITY}. {@code context} is {@code user} for a person signing in, {@code system} for backend services
     * (reading only: that is all an unattended sync does).
     */
    public static List<String> forProfile(ServerProfile p, boolean v2, String context) {
        if (!p.smart().scopes().isEmpty()) {
            return p.smart().scopes();
        }
        Set<String> out = new LinkedHashSet<>();
        boolean person = "user".equals(context) || "patient".equals(context);
        if (person) {
            out.addAll(IDENTITY);
        }
        if ("patient".equals(context)) {
            out.add("launch/patient"); // a standalone launch: the authorization server asks which patient
        }
        for (String t : p.typesToSync()) {
            // a person edits consents, signs provenance, sends the trail; an unattended sync only reads. The
            // directory's names are not the patient's record: read as a user
            String c = "patient".equals(context) && !ServerProfile.PATIENT_SEARCHED_TYPES.contains(t) ? "user"
                    : context;
            boolean write = person && (t.equals("Consent") || t.equals("Provenance")
                    || (t.equals("AuditEvent") && p.sendTrail()));
            out.add(scope(c, t, false, v2));
            if (write) {
                out.add(scope(c, t, true, v2));
            }
        }
        if ("patient".equals(context)) {
            // a patient signs their own consents (a Provenance naming them): written, and read back by the outbox
            // (did an earlier send arrive?); the server keeps both to the patient's own
            out.add(scope(context, "Provenance", false, v2));
            out.add(scope(context, "Provenance", true, v2));
        }
        if (person && p.sendTrail() && !p.typesToSync().contains("AuditEvent")) {
            out.add(scope(context, "AuditEvent", true, v2));
        }
        return List.copyOf(out);
    }

    /** The context a person signing in with {@code p} asks for: {@code patient} in patient mode, else {@code user}. */
    public static String personContext(ServerProfile p) {
        return p.patientMode() ? "patient" : "user";
    }

    /** One resource scope: read and search ({@code .read} / {@code .rs}), or write ({@code .write} / {@code .cud}). */
    public static String scope(String context, String type, boolean write, boolean v2) {
        if (write) {
            return context + "/" + type + (v2 ? ".cud" : ".write");
        }
        return context + "/" + type + (v2 ? ".rs" : ".read");
    }

    /**
     * Whether {@code granted} lets Custos read (or, with {@code write}, also create and update) {@code type}: a scope
     * for the type or {@code *}, in any context (patient, user, system), v1 or v2.
     */
    public static boolean covers(List<String> granted, String type, boolean write) {
        for (String g : granted) {
            int slash = g.indexOf('/');
            int dot = g.lastIndexOf('.');
            if (slash < 0 || dot < slash) {
                continue;
            }
            String t = g.substring(slash + 1, dot);
            String what = g.substring(dot + 1).toLowerCase(Locale.ROOT);
            if (!t.equals(type) && !t.equals("*")) {
                continue;
            }
            boolean ok = switch (what) {
                case "*" -> true;
                case "read" -> !write;
                case "write" -> write;
                default -> what.matches("c?r?u?d?s?") && (write ? what.contains("c") && what.contains("u")
                        : what.contains("r") && what.contains("s"));
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /**
     * The types of the profile the granted scopes do not cover, each with the scope that would be needed, in words
     * ("Provenance (user/Provenance.read)"); empty when all are covered or nothing was said of the scopes.
     */
    public static List<String> missing(ServerProfile p, List<String> granted, boolean v2) {
        List<String> out = new ArrayList<>();
        if (granted.isEmpty()) {
            return out; // the server did not say which scopes it granted: nothing to judge
        }
        for (String t : p.typesToSync()) {
            if (!covers(granted, t, false)) {
                out.add(t + " (" + scope(p.patientMode() && ServerProfile.PATIENT_SEARCHED_TYPES.contains(t)
                        ? "patient" : "user", t, false, v2) + ")");
            }
        }
        return out;
    }

    /**
     * What to tell a user whose signed-in {@code session} the server refused (403) for {@code type} (null: not
     * known): the scope reading (or, with {@code write}, also writing) it needs, in the session's context and
     * generation, and what was granted.
     */
    public static String refused(TokenSource session, String type, boolean write) {
        List<String> granted = session.grantedScopes();
        String said = granted.isEmpty() ? "may not have" : "does not have (granted: " + String.join(" ", granted) + ")";
        if (type == null) {
            return "The sign-in's scopes (" + (granted.isEmpty() ? "not named by the server" : String.join(" ",
                    granted)) + ") may not allow it: sign in again asking for more.";
        }
        String who = session.scopeContext();
        boolean v2 = session.v2Scopes();
        return (write ? "Writing " + type + " needs the scope " + scope(who, type, true, v2) + " (besides "
                + scope(who, type, false, v2) + ")" : "Reading " + type + " needs the scope "
                + scope(who, type, false, v2)) + ", which this sign-in " + said + ": sign in again asking for it, or "
                + "ask the authorization server's administrator to allow it.";
    }
}
