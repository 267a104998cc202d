package org.custos.cache;

/**
 * One row of the audit table: the current version of an event, small, display-ready, no FHIR model.
 * {@code purposes}: "BTG, ETREAT" or ""; {@code origin}: the name of the origin it came from; {@code state}: its
 * {@link State} bits (changed or deleted at its origin).
 */
public record AuditSummary(long pk, String id, long recorded, String type, String subtype, String action,
                           String outcome, String agents, String patients, String entities, String source,
                           String purposes, String origin, int state) {

    /** A break-the-glass access: purposeOfEvent or purposeOfUse BTG (emergency access outside normal rights). */
    public boolean breakTheGlass() {
        return purposes != null && (", " + purposes + ", ").contains(", BTG, ");
    }

    /** The event failed: an outcome other than 0 (success). */
    public boolean failed() {
        return outcome != null && !"0".equals(outcome);
    }

    /** The event changed at its origin after it was first stored (earlier versions are kept). */
    public boolean changed() {
        return (state & State.CHANGED) != 0;
    }

    /** The origin reported the event deleted (the cache keeps it). */
    public boolean deleted() {
        return (state & State.DELETED) != 0;
    }

    public boolean flagged() {
        return changed() || deleted();
    }

    /** "changed on server", "deleted on server", both, or "" (for a server origin; "at its origin" otherwise). */
    public String flags() {
        String where = origin != null && (origin.startsWith("http://") || origin.startsWith("https://"))
                ? " on server" : " at origin";
        if (changed() && deleted()) {
            return "changed, deleted" + where;
        }
        return changed() ? "changed" + where : deleted() ? "deleted" + where : "";
    }
}
