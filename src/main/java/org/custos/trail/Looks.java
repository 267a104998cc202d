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
}
