package org.custos.cache;

import java.util.List;

/**
 * The search columns of one current resource version (table {@code resource_search}) and its directory words (table
 * {@code resource_word}), all derived from its raw text by {@link SearchExtractor}.
 *
 * @param subject   Consent: the patient as "Patient/id"; null otherwise
 * @param codes     '|code|code|' (Consent categories), '' for none
 * @param codeText  the same codes with their displays, one "code\u001Fdisplay" line each, '' for none
 * @param sortTime  Consent.dateTime, else meta.lastUpdated, else 0 (epoch ms)
 * @param words     the people directory's words (lower case, distinct); empty for Consents
 */
record SearchRow(String type, String id, String subject, String status, String codes, String codeText, long sortTime,
                 Long periodStart, Long periodEnd, String display, String searchText, List<String> words) {
}
