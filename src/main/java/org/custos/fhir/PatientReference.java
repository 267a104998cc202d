package org.custos.fhir;

import java.util.Optional;
import java.util.regex.Pattern;

/** A patient as patient mode names it: {@code Patient/<id>}, given as such or as the bare id. */
public final class PatientReference {
    /** The FHIR id characters and length (FHIR R3: {@code [A-Za-z0-9\-\.]{1,64}}). */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private PatientReference() {
    }

    /**
     * {@code Patient/<id>} for a patient reference given as {@code Patient/<id>} or as the bare id.
     *
     * @throws IllegalArgumentException anything else, said so
     */
    public static String of(String text) {
        String t = text.trim();
        String id = t.startsWith("Patient/") ? t.substring("Patient/".length()) : t;
        if (!FHIR_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("\"" + t + "\" is not a patient reference: give Patient/<id> or the id "
                    + "(letters, digits, '-' and '.', at most 64).");
        }
        return "Patient/" + id;
    }

    /** {@link #of} of a stored value, or null: none stored, or one that is no patient reference (told to {@code why}). */
    static String orNone(String stored, java.util.function.Consumer<String> why) {
        try {
            return stored == null ? null : of(stored);
        } catch (IllegalArgumentException e) {
            why.accept(e.getMessage());
            return null;
        }
    }

    /**
     * The Patient a sign-in names ({@code fhirUser}: {@code Patient/7}, or the same under the server's
     * {@code baseUrl}, versioned or not) as {@code Patient/<id>}; empty when it names no patient, or a patient of
     * another server (an absolute reference elsewhere).
     */
    public static Optional<String> ofUser(String fhirUser, String baseUrl) {
        if (fhirUser == null || fhirUser.isBlank()) {
            return Optional.empty();
        }
        String u = fhirUser.strip();
        int h = u.indexOf("/_history/");
        if (h >= 0) {
            u = u.substring(0, h);
        }
        if (u.matches("(?i)https?://.*")) {
            String base = baseUrl == null ? "" : comparable(baseUrl.replaceAll("/+$", ""));
            String user = comparable(u);
            if (base == null || base.isEmpty() || user == null || !user.startsWith(base + "/")) {
                return Optional.empty();
            }
            u = user.substring(base.length() + 1);
        }
        return u.matches("Patient/[A-Za-z0-9\\-.]{1,64}") ? Optional.of(u) : Optional.empty();
    }

    /** An http(s) URL with its scheme and host in lower case and without its default port; null: not a URL. */
    private static String comparable(String url) {
        try {
            java.net.URI x = new java.net.URI(url);
            if (x.getScheme() == null || x.getHost() == null) {
                return null;
            }
            String scheme = x.getScheme().toLowerCase(java.util.Locale.ROOT);
            int port = x.getPort() == 80 && scheme.equals("http") || x.getPort() == 443 && scheme.equals("https")
                    ? -1 : x.getPort();
            return scheme + "://" + x.getHost().toLowerCase(java.util.Locale.ROOT) + (port < 0 ? "" : ":" + port)
                    + (x.getRawPath() == null ? "" : x.getRawPath());
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /**
     * What is wrong when a profile for {@code patient} is signed in as {@code signedInAs} (their {@code fhirUser},
     * relative or absolute): nobody named, another patient (of this server or another), or not a patient at all —
     * a patient's record is used only with that patient's own sign-in. Empty when it is them.
     */
    static Optional<String> otherPatient(String patient, String signedInAs, String baseUrl) {
        if (signedInAs == null || signedInAs.isBlank()) {
            return Optional.of("The server did not say who signed in, so this sign-in cannot be used for the record "
                    + "of " + patient + ".");
        }
        Optional<String> who = ofUser(signedInAs, baseUrl);
        if (who.isPresent() && who.get().equals(patient)) {
            return Optional.empty();
        }
        return Optional.of("Signed in as " + signedInAs + ", but this profile is for " + patient + ": sign in as "
                + "that patient, or change the profile's patient.");
    }
}
