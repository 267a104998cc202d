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
import java.util.Optional;
import java.util.Set;

/**
 * The SQL of the people directory (see {@code org.custos.people.PeopleDirectory}): the cached Patients,
 * Practitioners, Organizations and RelatedPersons, found by the prefixes of their name words, an identifier value,
 * their id or their reference, and named in bulk for lists that show names instead of references.
 *
 * <p>A reference means a person only within an origin: {@code Patient/1} of one server is not {@code Patient/1} of
 * another, nor of an import. Names are therefore always looked up in one origin (never another origin's name as a
 * fallback), and searches can be kept to one origin.
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
     * before longer ones), then in key order. People of every origin.
     */
    public List<Person> search(String text, Set<String> types, int limit) {
        return search(null, text, types, limit);
    }

    /**
     * As {@link #search(String, Set, int)}, among the people of one origin (its name, normalized as
     * {@link Origins#normalize}; null: every origin). An origin the cache does not know holds nobody.
     */
    public List<Person> search(String origin, String text, Set<String> types, int limit) {
        if (text == null || text.isBlank() || limit <= 0) {
            return List.of();
        }
        Integer originId = null;
        if (origin != null) {
            Optional<Origins.Origin> o = cache.origins().find(origin);
            if (o.isEmpty()) {
                return List.of();
            }
            originId = o.get().id();
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
                List<Person> exact = byReferences(c, List.of(ref), inTypes, originId);
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
                        rows(c, pks, inTypes, originId, rest, out, limit);
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
    private void rows(Connection c, List<Long> pks, String inTypes, Integer originId, List<String> rest,
                      Map<Long, Person> out, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT s.pk, s.res_type, s.res_id, s.display, s.code_text, s.origin_id, "
                + "s.status FROM resource_search s WHERE s.pk IN (" + String.join(", ", pks.stream().map(x -> "?")
                .toList()) + ") AND s.res_type IN (" + inTypes + ")"
                + (originId == null ? "" : " AND s.origin_id = " + originId.intValue()));
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

    /** The people these references name ("Type/id") in one origin (null: in every origin, one each). */
    private List<Person> byReferences(Connection c, Collection<String> refs, String inTypes, Integer originId)
            throws SQLException {
        Map<String, Person> found = new LinkedHashMap<>();
        List<String> ids = refs.stream().map(r -> r.substring(r.indexOf('/') + 1)).distinct().toList();
        Set<String> wanted = new LinkedHashSet<>(refs);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            String sql = "SELECT s.pk, s.res_type, s.res_id, s.display, s.code_text, s.origin_id, s.status FROM "
                    + "resource_search s WHERE s.res_id IN (" + String.join(", ", part.stream().map(x -> "?").toList())
                    + ") AND s.res_type IN (" + inTypes + ")"
                    + (originId == null ? "" : " AND s.origin_id = " + originId.intValue())
                    + " ORDER BY s.origin_id, s.pk";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 1, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Person p = person(rs, 1);
                        if (wanted.contains(p.reference())) {
                            found.putIfAbsent(p.origin() + "|" + p.reference(), p);
                        }
                    }
                }
            }
        }
        return List.copyOf(found.values());
    }

    /**
     * The names of the people these references point to, as origin {@code origin} (a name, as {@link Origins#normalize}
     * keeps it) knows them, in one query (per 500): reference as given → display name. A relative reference
     * ("Patient/1", versioned too) is looked up in {@code origin}; an absolute one in the origin of its base URL when
     * the cache knows that server, else in {@code origin} too. References {@code origin} holds no person for (or
     * that are no references) are absent: another origin's person of the same reference is never used.
     */
    public Map<String, String> namesOf(String origin, Collection<String> references) {
        Map<String, String> out = new LinkedHashMap<>();
        if (origin == null || references == null || references.isEmpty()) {
            return out;
        }
        Optional<Origins.Origin> home = cache.origins().find(origin);
        // origin id → "Type/id" → the references as given
        Map<Integer, Map<String, List<String>>> byOrigin = new HashMap<>();
        for (String r : references) {
            String ref = r == null ? null : SearchExtractor.reference(r);
            if (ref == null || !TYPES.contains(ref.substring(0, ref.indexOf('/')))) {
                continue;
            }
            Optional<Origins.Origin> o = baseOf(r).flatMap(b -> cache.origins().find(b)).or(() -> home);
            o.ifPresent(x -> byOrigin.computeIfAbsent(x.id(), k -> new HashMap<>())
                    .computeIfAbsent(ref, k -> new ArrayList<>()).add(r));
        }
        if (byOrigin.isEmpty()) {
            return out;
        }
        String inTypes = String.join(", ", TYPES.stream().map(t -> "'" + t + "'").toList());
        try (Connection c = cache.connection()) {
            for (Map.Entry<Integer, Map<String, List<String>>> e : byOrigin.entrySet()) {
                for (Person p : byReferences(c, e.getValue().keySet(), inTypes, e.getKey())) {
                    for (String given : e.getValue().get(p.reference())) {
                        out.put(given, p.display());
                    }
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the people failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The family names (lower case, as written) of the people these relative references ("Practitioner/1") point to
     * in origin {@code originId}: reference → names (every name of the resource). References the origin holds no
     * person for are absent.
     */
    public Map<String, Set<String>> familyNames(int originId, Collection<String> references) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        List<String> refs = references.stream().filter(r -> r != null && r.indexOf('/') > 0
                && TYPES.contains(r.substring(0, r.indexOf('/')))).distinct().toList();
        if (refs.isEmpty()) {
            return out;
        }
        String inTypes = String.join(", ", TYPES.stream().map(t -> "'" + t + "'").toList());
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        try (Connection c = cache.connection();
             PreparedStatement raw = c.prepareStatement("SELECT raw FROM fhir_resource WHERE pk = ?")) {
            for (Person p : byReferences(c, refs, inTypes, originId)) {
                raw.setLong(1, p.pk());
                try (ResultSet rs = raw.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                    Set<String> names = new LinkedHashSet<>();
                    try {
                        for (com.fasterxml.jackson.databind.JsonNode n : mapper.readTree(rs.getString(1)).path("name")) {
                            String family = n.path("family").isTextual() ? n.path("family").asText().trim() : "";
                            if (!family.isEmpty()) {
                                names.add(family.toLowerCase(Locale.ROOT));
                            }
                        }
                    } catch (java.io.IOException e) {
                        continue; // stored texts are JSON; an unreadable one names no one
                    }
                    out.put(p.reference(), names);
                }
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the people failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** The base URL of an absolute reference ("https://x.org/fhir" of "https://x.org/fhir/Patient/1/_history/2"). */
    static Optional<String> baseOf(String reference) {
        String r = reference.trim();
        String lower = r.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            return Optional.empty();
        }
        String ref = SearchExtractor.reference(r);
        int at = r.indexOf("/_history/");
        String noHistory = at < 0 ? r : r.substring(0, at);
        if (ref == null || !noHistory.endsWith("/" + ref)) {
            return Optional.empty();
        }
        String base = noHistory.substring(0, noHistory.length() - ref.length() - 1);
        return base.indexOf("://") + 3 < base.length() ? Optional.of(base) : Optional.empty();
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
