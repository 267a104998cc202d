package org.custos.cache;

/**
 * What the browser and {@code custos audit} filter on; every part is optional and the parts combine with AND.
 * Matching (case-insensitive throughout):
 * <ul>
 *   <li>from/to: recorded within [from, to], epoch ms</li>
 *   <li>agent: starts with — user id, name, reference or alt id of any agent</li>
 *   <li>patient: equals — a Patient reference ("Patient/123"; "123" means Patient/123), or the identifier of a
 *   patient entity that has no reference (the entity filter finds any identifier)</li>
 *   <li>entity: starts with — any entity reference or identifier</li>
 *   <li>type: the type code or display equals; subtype: a subtype code equals or its display contains</li>
 *   <li>action, outcome: equal the code; purpose: a purposeOfEvent / purposeOfUse code equals</li>
 *   <li>source: site or observer contains; text: every word occurs in the event's searchable text</li>
 *   <li>origin: the name of the origin the event came from (a server's base URL, "files", "demo", …)</li>
 *   <li>flagged: only events that changed or were deleted at their origin after they were first stored</li>
 *   <li>own: Custos's own audit trail (what its users looked at, origin "this Custos") is listed too; without it,
 *   and without naming that origin, it is left out, so that looking does not change what is looked at</li>
 * </ul>
 * Only the current version of each event is listed; its earlier versions are kept beside it.
 */
public record AuditFilter(Long from, Long to, String agent, String patient, String entity, String type,
                          String subtype, String action, String outcome, String source, String purpose,
                          String text, String origin, boolean flagged, boolean own) {

    public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null, null, null, null, null,
            null, null, null, null, false, false);

    public boolean isEmpty() {
        return this.equals(ALL) || this.equals(ALL.normalized());
    }

    /** Blank parts become null, so "" and null mean the same. */
    public AuditFilter normalized() {
        return new AuditFilter(from, to, n(agent), n(patient), n(entity), n(type), n(subtype), n(action), n(outcome),
                n(source), n(purpose), n(text), n(origin), flagged, own);
    }

    private static String n(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public AuditFilter withFrom(Long v) { return new AuditFilter(v, to, agent, patient, entity, type, subtype, action, outcome, source, purpose, text, origin, flagged, own); }
    public AuditFilter withTo(Long v) { return new AuditFilter(from, v, agent, patient, entity, type, subtype, action, outcome, source, purpose, text, origin, flagged, own); }
    public AuditFilter withAgent(String v) { return new AuditFilter(from, to, v, patient, entity, type, subtype, action, outcome, source, purpose, text, origin, flagged, own); }
    public AuditFilter withPatient(String v) { return new AuditFilter(from, to, agent, v, entity, type, subtype, action, outcome, source, purpose, text, origin, flagged, own); }
    public AuditFilter withEntity(String v) { return new AuditFilter(from, to, agent, patient, v, type, subtype, action, outcome, source, purpose, text, origin, flagged, own); }
    public AuditFilter withType(String v) { return new AuditFilter(from, to, agent, patient, entity, v, subtype, action, outcome, source, purpose, text, origin, flagged, own); }
    public AuditFilter withSubtype(String v) { return new AuditFilter(from, to, agent, patient, entity, type, v, action, outcome, source, purpose, text, origin, flagged, own); }
    public AuditFilter withAction(String v) { return new AuditFilter(from, to, agent, patient, entity, type, subtype, v, outcome, source, purpose, text, origin, flagged, own); }
    public AuditFilter withOutcome(String v) { return new AuditFilter(from, to, agent, patient, entity, type, subtype, action, v, source, purpose, text, origin, flagged, own); }
    public AuditFilter withSource(String v) { return new AuditFilter(from, to, agent, patient, entity, type, subtype, action, outcome, v, purpose, text, origin, flagged, own); }
    public AuditFilter withPurpose(String v) { return new AuditFilter(from, to, agent, patient, entity, type, subtype, action, outcome, source, v, text, origin, flagged, own); }
    public AuditFilter withText(String v) { return new AuditFilter(from, to, agent, patient, entity, type, subtype, action, outcome, source, purpose, v, origin, flagged, own); }
    public AuditFilter withOrigin(String v) { return new AuditFilter(from, to, agent, patient, entity, type, subtype, action, outcome, source, purpose, text, v, flagged, own); }
    public AuditFilter withFlagged(boolean v) { return new AuditFilter(from, to, agent, patient, entity, type, subtype, action, outcome, source, purpose, text, origin, v, own); }
    public AuditFilter withOwn(boolean v) { return new AuditFilter(from, to, agent, patient, entity, type, subtype, action, outcome, source, purpose, text, origin, flagged, v); }
}
