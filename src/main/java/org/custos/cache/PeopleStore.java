package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The SQL of the people directory (see {@code org.custos.people.PeopleDirectory}): the cached Patients,
 * Practitioners, Organizations and RelatedPersons, found by the prefixes of their name words, an identifier value,
 * their id or their reference, and named in bulk for lists that show names instead of references.
 */
public final class PeopleStore {
    /** The people types. */
    public static final List<String> TYPES = SearchExtractor.PEOPLE;
    private static final int CHUNK = 500;
    private final Cache cache;

    PeopleStore(Cache cache) {
        this.cache = cache;
    }

    /**
     * One cached person (current version).
     *
     * @param identifiers its identifiers, "system|value, value" ('' for none)
     * @param status      "active", "inactive", or null when the resource does not say
     */
    public record Person(long pk, String type, String id, String display, String identifiers, String origin,
                         String status) {
        public String reference() {
            return type + "/" + id;
        }
    }

    /**
     * Up to {@code limit} people of these types (empty: all four) whose name words start with every word of
     * {@code text} (any order, any case), or with an identifier value or id starting with it; {@code text} that is a
     * reference ("Patient/123", also absolute) finds that resource exactly. Shortest match first (an exact identifier
     * before longer ones), then in key order.
     */
    public List<Person> search(String text, Set<String> types, int limit) {
        if (text == null || text.isBlank() || limit <= 0) {
            return List.of();
        }
        Set<String> ts = types == null || types.isEmpty() ? new LinkedHashSet<>(TYPES) : new LinkedHashSet<>(types);
        ts.retainAll(TYPES);
        if (ts.isEmpty()) {
            return List.of();
        }
        String inTypes = String.join(", ", ts.stream().map(t -> "'" + t + "'").toList());
        String t = text.trim();
        String ref = t.contains("/") ? SearchExtractor.reference(t) : null;
        try (Connection c = cache.connection()) {
            if (ref != null && ts.contains(ref.substring(0, ref.indexOf('/')))) {
                List<Person> exact = byReferences(c, List.of(ref), inTypes);
                if (!exact.isEmpty()) {
                    return exact.subList(0, Math.min(limit, exact.size()));
                }
            }
            List<String> words = new ArrayList<>();
            for (String w : t.toLowerCase(Locale.ROOT).split("\\s+")) {
                if (!w.isEmpty() && !words.contains(w)) {
                    words.add(AuditStore.cut(w, SearchExtractor.WORD_MAX));
                }
            }
            // the longest word walks the word index; the others are checked on the row's text
            String lead = words.stream().max((a, b) -> Integer.compare(a.length(), b.length())).orElseThrow();
            List<String> rest = new ArrayList<>(words);
            rest.remove(lead);
            // first the word index alone, in its order (H2 would rather walk every person and look up their words),
            // then the rows of those keys with the type and the other words checked; until enough or no more words
            Map<Long, Person> out = new LinkedHashMap<>();
            String afterK = lead;
            long afterPk = Long.MIN_VALUE;
            int want = Math.max(64, limit * 2);
            try (PreparedStatement wordQuery = c.prepareStatement("SELECT k, pk FROM resource_word WHERE k >= ? "
                    + "AND k < ? AND (k > ? OR pk > ?) ORDER BY k, pk LIMIT ?")) {
                while (out.size() < limit) {
                    wordQuery.setString(1, afterK);
                    wordQuery.setString(2, lead + '\uffff');
                    wordQuery.setString(3, afterK);
                    wordQuery.setLong(4, afterPk);
                    wordQuery.setInt(5, want);
                    List<Long> pks = new ArrayList<>();
                    try (ResultSet rs = wordQuery.executeQuery()) {
                        while (rs.next()) {
                            afterK = rs.getString(1);
                            afterPk = rs.getLong(2);
                            pks.add(afterPk);
                        }
                    }
                    if (!pks.isEmpty()) {
                        rows(c, pks, inTypes, rest, out, limit);
                    }
                    if (pks.size() < want) {
                        break;
                    }
                }
            }
            return List.copyOf(out.values());
        } catch (SQLException e) {
            throw new CacheException("Searching the people failed: " + e.getMessage(), e);
        }
    }

    /** The people of these keys (in this order) of the types whose text has every word of {@code rest}. */
    private void rows(Connection c, List<Long> pks, String inTypes, List<String> rest, Map<Long, Person> out,
                      int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT s.pk, s.res_type, s.res_id, s.display, s.code_text, s.origin_id, "
                + "s.status FROM resource_search s WHERE s.pk IN (" + String.join(", ", pks.stream().map(x -> "?")
                .toList()) + ") AND s.res_type IN (" + inTypes + ")");
        for (int i = 0; i < rest.size(); i++) {
            sql.append(" AND s.search_text LIKE ? ESCAPE '\\'");
        }
        Map<Long, Person> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (long pk : pks) {
                ps.setLong(i++, pk);
            }
            for (String w : rest) {
                ps.setString(i++, "% " + AuditSql.escape(w) + "%");
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getLong(1), person(rs, 1));
                }
            }
        }
        for (long pk : pks) {
            Person p = found.get(pk);
            if (p != null && out.size() < limit) {
                out.putIfAbsent(pk, p);
            }
        }
    }

    private Person person(ResultSet rs, int first) throws SQLException {
        return new Person(rs.getLong(first), rs.getString(first + 1), rs.getString(first + 2), rs.getString(first + 3),
                rs.getString(first + 4), cache.origins().nameOf(rs.getInt(first + 5)), rs.getString(first + 6));
    }

    /** The people these references name ("Type/id", also absolute or versioned), the first origin's when several. */
    private List<Person> byReferences(Connection c, Collection<String> refs, String inTypes) throws SQLException {
        Map<String, Person> found = new LinkedHashMap<>();
        List<String> ids = refs.stream().map(r -> r.substring(r.indexOf('/') + 1)).distinct().toList();
        Set<String> wanted = new LinkedHashSet<>(refs);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            String sql = "SELECT s.pk, s.res_type, s.res_id, s.display, s.code_text, s.origin_id, s.status FROM "
                    + "resource_search s WHERE s.res_id IN (" + String.join(", ", part.stream().map(x -> "?").toList())
                    + ") AND s.res_type IN (" + inTypes + ") ORDER BY s.origin_id, s.pk";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Person p = person(rs, 1);
                        if (wanted.contains(p.reference())) {
                            found.putIfAbsent(p.reference(), p);
                        }
                    }
                }
            }
        }
        return List.copyOf(found.values());
    }

    /**
     * The names of the people these references point to, in one query (per 500): reference as given → display name.
     * References the cache knows no person for (or that are no references) are absent.
     */
    public Map<String, String> namesOf(Collection<String> references) {
        Map<String, String> out = new LinkedHashMap<>();
        if (references == null || references.isEmpty()) {
            return out;
        }
        Map<String, List<String>> byRef = new HashMap<>();
        for (String r : references) {
            String ref = r == null ? null : SearchExtractor.reference(r);
            if (ref != null && TYPES.contains(ref.substring(0, ref.indexOf('/')))) {
                byRef.computeIfAbsent(ref, k -> new ArrayList<>()).add(r);
            }
        }
        if (byRef.isEmpty()) {
            return out;
        }
        String inTypes = String.join(", ", TYPES.stream().map(t -> "'" + t + "'").toList());
        try (Connection c = cache.connection()) {
            for (Person p : byReferences(c, byRef.keySet(), inTypes)) {
                for (String given : byRef.get(p.reference())) {
                    out.put(given, p.display());
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the people failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** How many people of this type the cache holds (current versions). */
    public long count(String type) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM resource_search WHERE res_type = ?")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the people failed: " + e.getMessage(), e);
        }
    }
}
