package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cached Consents as a list: the current version of each, filtered by patient, status, category and free text,
 * newest {@code dateTime} first, paged by keyset ({@code sort_time, pk}), never by OFFSET. Rows are plain records;
 * a patient the people directory knows is named.
 */
public final class ConsentStore {
    private static final String COLS = "s.pk, s.origin_id, s.res_id, s.status, s.code_text, s.period_start, "
            + "s.period_end, s.sort_time, s.subject, s.display";
    private final Cache cache;

    ConsentStore(Cache cache) {
        this.cache = cache;
    }

    /**
     * What a list shows. Every part is optional (null or empty: no condition).
     *
     * @param patient    a patient reference ("Patient/123", absolute or versioned too, or just the id): exact
     * @param patientOrigin the origin the patient belongs to (a name as {@link Origins#normalize} keeps it): only
     *                   that origin's consents are listed, as {@code Patient/1} of one server is not that of
     *                   another; null: the consents of every origin that name this reference
     * @param statuses   Consent.status codes, any of them
     * @param categories category codes, any of them (exact code)
     * @param text       words that must all occur (case-insensitive, anywhere) in what the consent says: ids,
     *                   identifiers, status, categories, patient, parties, actors, organizations, policies, purposes
     */
    public record ConsentFilter(String patient, String patientOrigin, Set<String> statuses, Set<String> categories,
                                String text) {
        public static final ConsentFilter ALL = new ConsentFilter(null, Set.of(), Set.of(), null);

        public ConsentFilter {
            statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
            categories = categories == null ? Set.of() : Set.copyOf(categories);
            patient = patient == null || patient.isBlank() ? null : patient.trim();
            patientOrigin = patient == null || patientOrigin == null || patientOrigin.isBlank() ? null
                    : patientOrigin.trim();
            text = text == null || text.isBlank() ? null : text.trim();
        }

        /** A patient of any origin. */
        public ConsentFilter(String patient, Set<String> statuses, Set<String> categories, String text) {
            this(patient, null, statuses, categories, text);
        }

        /** The consents of this patient reference, in every origin. */
        public ConsentFilter withPatient(String p) {
            return new ConsentFilter(p, null, statuses, categories, text);
        }

        /** The consents of this patient of this origin (null: every origin). */
        public ConsentFilter withPatient(String origin, String p) {
            return new ConsentFilter(p, origin, statuses, categories, text);
        }

        public ConsentFilter withStatuses(Set<String> s) {
            return new ConsentFilter(patient, patientOrigin, s, categories, text);
        }

        public ConsentFilter withCategories(Set<String> c) {
            return new ConsentFilter(patient, patientOrigin, statuses, c, text);
        }

        public ConsentFilter withText(String t) {
            return new ConsentFilter(patient, patientOrigin, statuses, categories, t);
        }
    }

    /** A Consent category: its code and display (null when the resource gives none). */
    public record Category(String code, String display) {
    }

    /**
     * One Consent (its current version) as a list shows it.
     *
     * @param sortTime       Consent.dateTime, else meta.lastUpdated, else 0 (epoch ms): the list's order
     * @param patient        Consent.patient as "Patient/id" (or the reference as given when it is not one), or null
     * @param patientDisplay the patient's name from the people directory as the consent's own origin knows them, or
     *                       null when that origin holds no such person (never another origin's person's name)
     * @param summary        the consent's own words: its patient display (or reference) and categories
     * @param state          the version's {@link State} bits (changed, deleted)
     */
    public record ConsentRow(long pk, String origin, String id, String versionId, String status,
                             List<Category> categories, Long periodStart, Long periodEnd, long sortTime,
                             String patient, String patientDisplay, String summary, int state) {
        /** The resource has more than one kept version (it changed at its origin). */
        public boolean changed() {
            return (state & State.CHANGED) != 0;
        }

        /** Where the next page starts. */
        public Keyset keyset() {
            return new Keyset(sortTime, pk);
        }
    }

    /** Up to {@code limit} consents after {@code after} (null: from the newest), newest first. */
    public List<ConsentRow> page(ConsentFilter filter, Keyset after, int limit) {
        Where w = where(filter);
        if (after != null) {
            // the first conjunct gives H2 an index range to start from; the second breaks ties inside one instant
            w.cond("s.sort_time <= ? AND (s.sort_time < ? OR s.pk < ?)", after.recorded(), after.recorded(),
                    after.pk());
        }
        // ordered by the equality column first (the same order): H2 then walks the index in order and stops at the
        // limit, instead of sorting every match (measured: 1.4 s → ms on 100,000 consents)
        String sql = "SELECT " + COLS + " FROM resource_search s" + w.sql + " ORDER BY "
                + (filter.patient() != null ? "s.subject" : "s.res_type") + ", s.sort_time DESC, s.pk DESC LIMIT ?";
        List<Object[]> raw = new ArrayList<>();
        try (Connection c = cache.connection()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = w.bind(ps);
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        raw.add(StoredRows.read(rs, 1, 10));
                    }
                }
            }
            return rows(c, raw);
        } catch (SQLException e) {
            throw new CacheException("Searching the consents failed: " + e.getMessage(), e);
        }
    }

    /**
     * The current version of Consent {@code id} in each origin that holds one (an id can exist in several), in
     * origin order; empty when none does. Deleted ones are included (see {@link ConsentRow#state()}).
     */
    public List<ConsentRow> withId(String id) {
        List<Object[]> raw = new ArrayList<>();
        try (Connection c = cache.connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLS + " FROM resource_search s "
                    + "WHERE s.res_id = ? AND s.res_type = 'Consent' ORDER BY s.origin_id")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        raw.add(StoredRows.read(rs, 1, 10));
                    }
                }
            }
            return rows(c, raw);
        } catch (SQLException e) {
            throw new CacheException("Reading the consents failed: " + e.getMessage(), e);
        }
    }

    /** The rows of {@link #COLS} values, with their versionId, state and patient name. */
    private List<ConsentRow> rows(Connection c, List<Object[]> raw) throws SQLException {
        Map<Long, Object[]> versions = versions(c, raw);
        // each origin names its own patients: Patient/1 of one server is not Patient/1 of another
        Map<Long, List<String>> refsByOrigin = new HashMap<>();
        for (Object[] r : raw) {
            if (r[8] != null) {
                refsByOrigin.computeIfAbsent((Long) r[1], k -> new ArrayList<>()).add((String) r[8]);
            }
        }
        Map<Long, Map<String, String>> names = new HashMap<>();
        refsByOrigin.forEach((origin, refs) -> names.put(origin, cache.people().namesOf(
                cache.origins().nameOf(origin.intValue()), refs)));
        List<ConsentRow> out = new ArrayList<>(raw.size());
        for (Object[] r : raw) {
            long pk = (Long) r[0];
            Object[] v = versions.getOrDefault(pk, new Object[]{null, 0});
            out.add(new ConsentRow(pk, cache.origins().nameOf(((Long) r[1]).intValue()), (String) r[2],
                    (String) v[0], (String) r[3], categories((String) r[4]), (Long) r[5], (Long) r[6],
                    (Long) r[7], (String) r[8], r[8] == null ? null : names.get((Long) r[1]).get((String) r[8]),
                    (String) r[9], (Integer) v[1]));
        }
        return out;
    }

    /** versionId and state of the page's rows, by key (one query). */
    private static Map<Long, Object[]> versions(Connection c, List<Object[]> rows) throws SQLException {
        Map<Long, Object[]> out = new HashMap<>();
        if (rows.isEmpty()) {
            return out;
        }
        String in = String.join(", ", rows.stream().map(r -> "?").toList());
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, version_id, state FROM fhir_resource WHERE pk IN ("
                + in + ")")) {
            for (int i = 0; i < rows.size(); i++) {
                ps.setLong(i + 1, (Long) rows.get(i)[0]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), new Object[]{rs.getString(2), rs.getInt(3)});
                }
            }
        }
        return out;
    }

    static List<Category> categories(String codeText) {
        if (codeText == null || codeText.isEmpty()) {
            return List.of();
        }
        List<Category> out = new ArrayList<>();
        for (String line : codeText.split("\n")) {
            int us = line.indexOf('\u001F');
            String code = us < 0 ? line : line.substring(0, us);
            String display = us < 0 || us == line.length() - 1 ? null : line.substring(us + 1);
            out.add(new Category(code, display));
        }
        return out;
    }

    /** How many consents match (exact; a count query of its own, apart from the pages). */
    public long count(ConsentFilter filter) {
        Where w = where(filter);
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM resource_search s" + w.sql)) {
            w.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Counting the consents failed: " + e.getMessage(), e);
        }
    }

    /**
     * How many consents match, counting no further than {@code cap} (a screen that says "more than 10,000" stays
     * fast: a count of a free-text or category filter reads every consent otherwise, ~0.6-0.9 s per 100,000).
     */
    public long count(ConsentFilter filter, long cap) {
        Where w = where(filter);
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM (SELECT 1 FROM resource_search s" + w.sql + " LIMIT ?) x")) {
            int i = w.bind(ps);
            ps.setLong(i, cap);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new CacheException("Counting the consents failed: " + e.getMessage(), e);
        }
    }

    /** The stored text of one version (a row's {@code pk}), as it came. */
    public Optional<String> raw(long pk) {
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT raw FROM fhir_resource WHERE pk = ?")) {
            ps.setLong(1, pk);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
    }

    /** The distinct statuses and category codes of the cached consents (for filter choices). */
    public List<String> statuses() {
        List<String> out = new ArrayList<>();
        try (Connection c = cache.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT status FROM resource_search WHERE res_type = 'Consent' AND status IS NOT NULL "
                        + "ORDER BY status");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new CacheException("Reading the cache failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** "Patient/123" for what a user or a reference gives (absolute, versioned, or a bare id). */
    static String patientKey(String p) {
        String ref = SearchExtractor.reference(p);
        if (ref != null) {
            return ref;
        }
        return p.contains("/") ? p : "Patient/" + p;
    }

    private Where where(ConsentFilter f) {
        Where w = new Where();
        w.cond("s.res_type = 'Consent'");
        if (f.patient() != null) {
            w.cond("s.subject = ?", AuditStore.cut(patientKey(f.patient()), 512));
            if (f.patientOrigin() != null) {
                // an origin the cache does not know holds no consents
                w.cond("s.origin_id = ?", cache.origins().find(f.patientOrigin()).map(Origins.Origin::id).orElse(-1));
            }
        }
        if (!f.statuses().isEmpty()) {
            List<String> s = f.statuses().stream().map(x -> x.trim().toLowerCase(Locale.ROOT)).sorted().toList();
            w.cond("s.status IN (" + String.join(", ", s.stream().map(x -> "?").toList()) + ")", s.toArray());
        }
        if (!f.categories().isEmpty()) {
            List<String> cs = new ArrayList<>(new LinkedHashSet<>(f.categories().stream().map(String::trim).sorted()
                    .toList()));
            w.cond("(" + String.join(" OR ", cs.stream().map(x -> "s.codes LIKE ? ESCAPE '\\'").toList()) + ")",
                    cs.stream().map(x -> (Object) ("%|" + AuditSql.escape(x) + "|%")).toArray());
        }
        if (f.text() != null) {
            for (String word : f.text().toLowerCase(Locale.ROOT).split("\\s+")) {
                w.cond("s.search_text LIKE ? ESCAPE '\\'", "%" + AuditSql.escape(word) + "%");
            }
        }
        return w;
    }

    private static final class Where {
        final StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
        final List<Object> params = new ArrayList<>();

        void cond(String s, Object... values) {
            sql.append(" AND ").append(s);
            params.addAll(List.of(values));
        }

        int bind(PreparedStatement ps) throws SQLException {
            int i = 1;
            for (Object p : params) {
                ps.setObject(i++, p);
            }
            return i;
        }
    }
}
