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
            StringBuilder sql = new StringBuilder("SELECT w.k, s.pk, s.res_type, s.res_id, s.display, s.code_text, "
                    + "s.origin_id, s.status FROM resource_word w JOIN resource_search s ON s.pk = w.pk "
                    + "WHERE w.k LIKE ? ESCAPE '\\' AND (w.k > ? OR w.k = ? AND w.pk > ?) AND s.res_type IN (" + inTypes
                    + ")");
            for (int i = 0; i < rest.size(); i++) {
                sql.append(" AND s.search_text LIKE ? ESCAPE '\\'");
            }
            sql.append(" ORDER BY w.k, w.pk LIMIT ?");
            Map<Long, Person> out = new LinkedHashMap<>();
            String afterK = "";
            long afterPk = -1;
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                while (out.size() < limit) {
                    int i = 1;
                    ps.setString(i++, AuditSql.likePrefix(lead));
                    ps.setString(i++, afterK);
                    ps.setString(i++, afterK);
                    ps.setLong(i++, afterPk);
                    for (String w : rest) {
                        ps.setString(i++, "% " + AuditSql.escape(w) + "%");
                    }
                    int want = limit + 16;
                    ps.setInt(i, want);
                    int got = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            got++;
                            afterK = rs.getString(1);
                            afterPk = rs.getLong(2);
                            if (out.size() < limit) {
                                out.putIfAbsent(afterPk, person(rs, 2));
                            }
                        }
                    }
                    if (got < want) {
                        break;
                    }
                }
            }
            return List.copyOf(out.values());
        } catch (SQLException e) {
            throw new CacheException("Searching the people failed: " + e.getMessage(), e);
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
