package org.custos.cache;

import java.util.List;

/**
 * The search columns of one AuditEvent, derived from its raw JSON by {@link AuditExtractor}, and its encoded
 * {@link AuditFacts} (the access index). */
public record AuditEventRow(long recorded, String typeCode, String typeDisplay, String subtypeCodes,
                            String subtypeDisplay, String action, String outcome, String sourceSite,
                            String sourceObserver, String purposeCodes, String agents, String entities,
                            String patients, String searchText, String agentKeys, String entityKeys,
                            List<String> patientKeys, List<String> purposeKeys,
                            List<String> agentTerms, long agentBits, String facts) {
}
