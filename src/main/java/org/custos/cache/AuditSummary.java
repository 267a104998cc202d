package org.custos.cache;

/** One row of the audit table: small, display-ready, no FHIR model. {@code purposes}: "BTG, ETREAT" or "". */
public record AuditSummary(long pk, String id, long recorded, String type, String subtype, String action,
                           String outcome, String agents, String patients, String entities, String source,
                           String purposes) {

    /** A break-the-glass access: purposeOfEvent or purposeOfUse BTG (emergency access outside normal rights). */
    public boolean breakTheGlass() {
        return purposes != null && (", " + purposes + ", ").contains(", BTG, ");
    }
}
