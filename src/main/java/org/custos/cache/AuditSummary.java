package org.custos.cache;

/** One row of the audit table: small, display-ready, no FHIR model. */
public record AuditSummary(long pk, String id, long recorded, String type, String subtype, String action,
                           String outcome, String agents, String patients, String entities, String source) {
}
