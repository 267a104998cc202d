package org.custos.trail;

import java.util.List;

/**
 * What a screen or command tells Custos's own audit trail about what its user looks at (see {@link OwnTrail}); each
 * call returns once the record is kept, so the caller shows its result after it. Called off the UI thread.
 */
public interface Looks {
    /** A search: {@code what} in words, {@code query} as the user gave it, the patients it was about. */
    void query(String what, String query, List<String> patients);

    /** A resource opened ("AuditEvent/123"). */
    void read(String what, String reference, List<String> patients);

    /** Data written out (an export, a report): {@code what} says what went where. */
    void export(String what, String query, List<String> patients);

    /** A review decision on an alert or a case ({@code about}: "alert 3"). */
    void decision(String what, String about, List<String> patients);

    /**
     * A patient reference as a trail event should name it: absolute ({@code base/Patient/1}) when {@code origin} is a
     * server's base URL and the reference is relative, so that a server the trail is sent to can tell its own patients
     * from another source's; otherwise as given.
     */
    static String inOrigin(String origin, String reference) {
        if (origin == null || reference == null || !(origin.startsWith("http://") || origin.startsWith("https://"))
                || !reference.matches("[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?")) {
            return reference;
        }
        return (origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin) + "/" + reference;
    }
}
