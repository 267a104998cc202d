package org.custos.provenance;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference as the derivation graph identifies it: {@code key} is "Type/id" for a relative, versioned
 * ("Type/id/_history/n") or absolute ("http://server/fhir/Type/id") reference, so that the versions of one
 * resource and the same resource named through its server's URL are one node; {@code version} keeps the
 * "_history" part for the label (null when there is none). Anything else (a "urn:uuid:", a conditional
 * reference, a URL that names no resource) keeps its text as its key.
 */
record GraphRef(String key, String version) {
    /** Type (a FHIR resource name), id (FHIR id characters) and an optional _history version at the end. */
    private static final Pattern RESOURCE = Pattern.compile(
            "(?:^|.*/)([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(?:/_history/([A-Za-z0-9\\-.]{1,64}))?/?");

    /** The reference normalised; null when {@code raw} is null or blank. */
    static GraphRef of(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String r = raw.strip();
        int query = r.indexOf('?');
        Matcher m = query < 0 ? RESOURCE.matcher(r) : null;
        if (m != null && m.matches()) {
            return new GraphRef(m.group(1) + "/" + m.group(2), m.group(3));
        }
        return new GraphRef(r, null);
    }

    /** "Type/id" plus ", version n" when the reference named one. */
    String label() {
        return version == null ? key : key + " (version " + version + ")";
    }
}
