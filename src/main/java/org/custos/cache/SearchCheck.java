package org.custos.cache;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Objects;

/**
 * Part of verify: the search rows of Consents and people are what their current versions' texts give (recomputed
 * here), every current version of those types has one, and no other row is there. A row altered or removed outside
 * Custos could otherwise hide a consent from its list, or name a person wrongly. The directory's words are checked as
 * a multiset sum ({@link IndexSums}).
 */
final class SearchCheck {
    interface Reporter {
        void report(Integer origin, String what, String detail);
    }

    private SearchCheck() {
    }

    static void check(Connection c, Reporter r) throws SQLException {
        MessageDigest sha = Leaf.sha256();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        long[] expectedWords = new long[2];
        String types = "'" + String.join("', '", SearchExtractor.TYPES.stream().sorted().toList()) + "'";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT f.pk, f.origin_id, f.res_type, "
                + "f.res_id, f.last_updated, f.raw, s.pk, s.origin_id, s.res_type, s.res_id, s.subject, s.status, "
                + "s.codes, s.code_text, s.sort_time, s.period_start, s.period_end, s.display, s.search_text "
                + "FROM fhir_resource f LEFT JOIN resource_search s ON s.pk = f.pk WHERE f.res_type IN (" + types
                + ") AND BITAND(f.state, 1) = 0")) {
            while (rs.next()) {
                long pk = rs.getLong(1);
                int origin = rs.getInt(2);
                String what = rs.getString(3) + "/" + rs.getString(4);
                SearchRow e = SearchExtractor.extract(mapper, rs.getString(3), rs.getString(4), rs.getObject(5, Long.class),
                        rs.getString(6));
                if (e == null) {
                    continue;
                }
                for (String w : e.words()) {
                    IndexSums.add(expectedWords, IndexSums.keyHash(sha, pk, w));
                }
                if (rs.getObject(7) == null) {
                    r.report(origin, what, "its search row is missing: lists and searches do not find it");
                    continue;
                }
                Object[] expected = {pk, (long) origin, e.type(), e.id(), e.subject(), e.status(), e.codes(),
                    e.codeText(), e.sortTime(), e.periodStart(), e.periodEnd(), e.display(), e.searchText()};
                Object[] actual = StoredRows.read(rs, 7, 13);
                if (!Arrays.equals(expected, actual)) {
                    int i = 0;
                    while (i < expected.length && Objects.equals(expected[i], actual[i])) {
                        i++;
                    }
                    String col = SearchIndex.COLUMNS.split(",\\s*")[Math.min(i, expected.length - 1)];
                    r.report(origin, what, "its search row differs from what its text gives (" + col + "): lists "
                            + "and searches would show or find it wrongly");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT s.pk, s.origin_id, s.res_type, s.res_id FROM "
                + "resource_search s LEFT JOIN fhir_resource f ON f.pk = s.pk WHERE f.pk IS NULL OR "
                + "BITAND(f.state, 1) <> 0 OR f.res_type NOT IN (" + types + ")");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                r.report(rs.getInt(2), rs.getString(3) + "/" + rs.getString(4), "a search row (key " + rs.getLong(1)
                        + ") for no current version: lists would show what the cache does not hold");
            }
        }
        long[] words = new long[2];
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pk, k FROM resource_word")) {
            while (rs.next()) {
                IndexSums.add(words, IndexSums.keyHash(sha, rs.getLong(1), rs.getString(2)));
            }
        }
        if (!Arrays.equals(words, expectedWords)) {
            r.report(null, "the people directory's words", "they are not the ones the people's texts give (rows "
                    + "added, removed or changed): name searches would miss or invent people");
        }
    }
}
