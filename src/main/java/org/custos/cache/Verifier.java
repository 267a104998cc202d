package org.custos.cache;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Checks the cache against its ledger ({@link Ledger}): the chain of entries is whole, every stored row is exactly
 * what was recorded (its values and raw text, fingerprinted again), no recorded row is missing unless the ledger
 * says Custos removed it, no row is there that was never recorded, the search indexes (patient, purpose, agent
 * names; the search rows of Consents and people) hold what the rows say, and every event has exactly one current version whose flags fit its versions.
 * What it proves, and what it cannot, is in the README ("Tamper evidence").
 */
public final class Verifier {
    /** What kind of difference: a row changed, deleted or inserted outside Custos, the chain, an index, a flag. */
    public enum Kind { CHANGED, DELETED, INSERTED, CHAIN, INDEX, STATE }

    /** One difference, in words: which origin, which resource (or row), what is wrong. */
    public record Problem(Kind kind, String origin, String what, String detail) {
        public String line() {
            String k = switch (kind) {
                case CHANGED -> "changed outside Custos";
                case DELETED -> "deleted outside Custos";
                case INSERTED -> "inserted outside Custos";
                case CHAIN -> "ledger damaged";
                case INDEX -> "search index changed outside Custos";
                case STATE -> "flags changed outside Custos";
            };
            return k + ": " + what + (origin == null ? "" : " (origin " + origin + ")")
                    + (detail == null || detail.isEmpty() ? "" : " — " + detail);
        }
    }

    /**
     * The outcome: intact or not, the problems (the first 10,000), what was checked, the chain's head, and (when a
     * head was given) what Custos removed since it, which a person should recognise: someone who can extend the
     * chain could also record a removal of their own.
     */
    public record Result(List<Problem> problems, long problemCount, long entries, long rows, String head,
                         Boolean headMatches, boolean cancelled, List<String> removedSinceHead) {
        public boolean intact() {
            return !cancelled && problemCount == 0 && !Boolean.FALSE.equals(headMatches);
        }
    }

    /** Progress of a verify: rows checked so far of about how many. */
    public interface Progress {
        void update(long done, long total);
    }

    private static final int MAX_PROBLEMS = 10_000;
    private final Cache cache;
    private final RawStore raws;
    private final List<Problem> problems = new ArrayList<>();
    private long problemCount;
    private final Map<Integer, String> originNames = new HashMap<>();

    Verifier(Cache cache, RawStore raws) {
        this.cache = cache;
        this.raws = raws;
    }

    private void problem(Kind kind, Integer originId, String what, String detail) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(new Problem(kind, originId == null ? null : originNames.getOrDefault(originId,
                    "#" + originId + " (removed)"), what, detail));
        }
    }

    /**
     * Runs the whole check. {@code head}: a head noted earlier ("seq:hex", as {@code custos verify} prints it), or
     * null; the chain must lead through it unchanged.
     */
    public Result run(String head, BooleanSupplier cancelled, Progress progress) {
        // nothing is written while the check reads (a sync or an import waits): what it reads is one state of the cache
        return cache.whileNoOneWrites(() -> check(head, cancelled, progress));
    }

    private Result check(String head, BooleanSupplier cancelled, Progress progress) {
        try (Connection c = cache.connection()) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, name FROM origin")) {
                while (rs.next()) {
                    originNames.put(rs.getInt(1), rs.getString(2));
                }
            }
            long total = count(c, "SELECT COUNT(*) FROM audit_event") + count(c, "SELECT COUNT(*) FROM fhir_resource");
            Map<String, ExpectedRows> expected = new HashMap<>();
            for (String t : List.of(Ledger.AUDIT, Ledger.RESOURCE, Ledger.QUARANTINE, Ledger.TOMBSTONE, Ledger.ORIGIN)) {
                expected.put(t, new ExpectedRows());
            }
            long[] entries = {0};
            String[] lastHead = {"0:" + "0".repeat(64)};
            Boolean headMatches = chain(c, head, expected, entries, lastHead);
            long[] done = {0};
            if (!auditRows(c, expected.get(Ledger.AUDIT), cancelled, progress, done, total)) {
                return result(entries[0], done[0], lastHead[0], headMatches, true);
            }
            for (String t : List.of(Ledger.RESOURCE, Ledger.QUARANTINE, Ledger.TOMBSTONE, Ledger.ORIGIN)) {
                otherRows(c, t, expected.get(t), done);
                progress.update(done[0], total);
            }
            if (cancelled.getAsBoolean()) {
                return result(entries[0], done[0], lastHead[0], headMatches, true);
            }
            states(c);
            SearchCheck.check(c, (origin, what, detail) -> problem(Kind.INDEX, origin, what, detail));
            ProvenanceCheck.check(c, (origin, what, detail) -> problem(Kind.INDEX, origin, what, detail));
            return result(entries[0], done[0], lastHead[0], headMatches, false);
        } catch (SQLException e) {
            throw new CacheException("Verifying the cache failed: " + e.getMessage(), e);
        }
    }

    private final List<String> removedSinceHead = new ArrayList<>();

    private Result result(long entries, long rows, String head, Boolean headMatches, boolean cancelled) {
        return new Result(List.copyOf(problems), problemCount, entries, rows, head, headMatches, cancelled,
                List.copyOf(removedSinceHead));
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The chain: each entry's digest from its contents, each link from the one before; collects the expectations. */
    private Boolean chain(Connection c, String head, Map<String, ExpectedRows> expected, long[] entries, String[] lastHead)
            throws SQLException {
        long headSeq = -1;
        byte[] headLink = null;
        if (head != null && !head.isBlank()) {
            String[] parts = head.trim().split(":");
            try {
                headSeq = Long.parseLong(parts[0]);
                headLink = HexFormat.of().parseHex(parts[1]);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("A chain head looks like 1234:9f86d0…(64 hex digits), as custos "
                        + "verify prints it: " + head);
            }
        }
        Boolean headMatches = headSeq < 0 ? null : Boolean.FALSE;
        byte[] prevLink = new byte[32];
        long prevSeq = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, at, kind, origin_id, tbl, n, body, digest, link "
                + "FROM ledger WHERE seq > ? ORDER BY seq LIMIT 2000")) {
            while (true) {
                ps.setLong(1, prevSeq);
                int got = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        got++;
                        long seq = rs.getLong(1);
                        long at = rs.getLong(2);
                        String kind = rs.getString(3);
                        Integer originId = rs.getObject(4, Integer.class);
                        String tbl = rs.getString(5);
                        int n = rs.getInt(6);
                        byte[] body = rs.getBytes(7);
                        byte[] digest = rs.getBytes(8);
                        byte[] link = rs.getBytes(9);
                        entries[0]++;
                        if (seq != prevSeq + 1) {
                            problem(Kind.CHAIN, null, "ledger entries " + (prevSeq + 1) + " to " + (seq - 1),
                                    "missing: removed from the ledger");
                        }
                        if (!Arrays.equals(digest, Ledger.digest(seq, at, kind, originId, tbl, n, body))) {
                            problem(Kind.CHAIN, originId, "ledger entry " + seq, "its contents do not match its digest");
                        }
                        if (!Arrays.equals(link, Ledger.link(prevLink, digest))) {
                            problem(Kind.CHAIN, originId, "ledger entry " + seq, "its link does not follow from the "
                                    + "entry before it: the chain was cut or rewritten here");
                        }
                        if (seq == headSeq) {
                            headMatches = Arrays.equals(link, headLink);
                        }
                        ExpectedRows e = expected.get(tbl);
                        if (e != null) {
                            record(e, kind, seq, originId, n, body);
                        }
                        if (headSeq >= 0 && seq > headSeq && Ledger.removal(kind)) {
                            removedSinceHead.add(String.format("%s: %d %s row(s) of origin %s %s", java.time.Instant
                                    .ofEpochMilli(at), n, tbl, originId == null ? "?" : originNames.getOrDefault(
                                    originId, "#" + originId + " (removed)"), Ledger.why(kind)));
                        }
                        prevLink = link;
                        prevSeq = seq;
                        lastHead[0] = seq + ":" + HexFormat.of().formatHex(link);
                    }
                }
                if (got < 2000) {
                    break;
                }
            }
        }
        if (headSeq > prevSeq) {
            problem(Kind.CHAIN, null, "ledger entry " + headSeq, "the head given is past the end of the ledger "
                    + "(" + prevSeq + " entries): entries were removed");
        }
        return headMatches;
    }

    private void record(ExpectedRows e, String kind, long seq, Integer originId, int n, byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        boolean stored = kind.equals(Ledger.STORED) || kind.equals(Ledger.SEALED);
        boolean state = kind.equals(Ledger.STATE);
        int per = n == 0 ? 0 : body.length / n;
        for (int i = 0; i < n && b.remaining() >= per; i++) {
            long pk = b.getLong();
            if (stored) {
                if (e.storedAndKept(pk)) {
                    // Custos records a row once; a key is given again only after its row was removed
                    problem(Kind.CHAIN, originId, "ledger entry " + seq, "it records row " + pk + " again, which "
                            + "entry " + e.entry[e.find(pk)] + " recorded and nothing removed: the ledger was extended "
                            + "to cover a change");
                }
                int x = e.slot(pk);
                e.hi[x] = b.getLong();
                e.lo[x] = b.getLong();
                e.state[x] = b.get();
                e.entry[x] = seq;
                e.origin[x] = originId == null ? -1 : originId;
                e.stored[x] = true;
                e.removed[x] = false;
            } else if (state) {
                int x = e.slot(pk);
                e.state[x] = b.get();
            } else {
                int x = e.slot(pk);
                e.removed[x] = true;
            }
        }
    }

    /** Every AuditEvent version: its fingerprint, and what its search index rows must be. */
    private boolean auditRows(Connection c, ExpectedRows e, BooleanSupplier cancelled, Progress progress, long[] done,
                              long total) throws SQLException {
        int n = StoredRows.AUDIT_COUNT;
        BlockReader blocks = new BlockReader();
        Leaf leaf = new Leaf();
        MessageDigest sha = Leaf.sha256();
        long[] purposeSum = new long[2];
        Set<String> terms = new HashSet<>();
        long after = 0;
        try (AccessCheck access = new AccessCheck(c, sha, (origin, what, detail) -> problem(Kind.INDEX, origin,
                what, detail)); PreparedStatement ps = c.prepareStatement("SELECT pk, " + StoredRows.AUDIT_COLUMNS
                + ", raw_block, raw_slot, state, facts_id FROM audit_event WHERE pk > ? ORDER BY pk LIMIT 5000")) {
            while (true) {
                if (cancelled.getAsBoolean()) {
                    return false;
                }
                ps.setLong(1, after);
                int got = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        got++;
                        long pk = rs.getLong(1);
                        after = pk;
                        Object[] v = StoredRows.read(rs, 2, n);
                        String id = (String) v[1];
                        Integer originId = ((Number) v[0]).intValue();
                        byte[] raw;
                        try {
                            raw = blocks.text(c, rs.getLong(n + 2), rs.getInt(n + 3));
                        } catch (CacheException ex) {
                            problem(Kind.CHANGED, originId, "AuditEvent/" + id, "its raw text cannot be read: "
                                    + ex.getMessage());
                            e.seen[e.slot(pk)] = true;
                            continue;
                        }
                        long problemsBefore = problemCount;
                        check(e, pk, StoredRows.auditLeaf(leaf, v, raw), originId, "AuditEvent/" + id);
                        boolean rowChanged = problemCount > problemsBefore;
                        checkState(e, pk, rs.getInt(n + 4), originId, "AuditEvent/" + id);
                        boolean current = (rs.getInt(n + 4) & State.SUPERSEDED) == 0;
                        Integer factsId = rs.getObject(n + 5, Integer.class);
                        access.add(new AccessCheck.Row(pk, "AuditEvent/" + id, originId, ((Number) v[5]).longValue(),
                                IndexSums.parts((String) v[20]), current, factsId, rowChanged,
                                AccessCheck.needsText(current, factsId, rowChanged) ? raw : null));
                        for (String k : IndexSums.parts((String) v[14])) {
                            IndexSums.add(purposeSum, IndexSums.keyHash(sha, pk, AuditStore.cut(AuditExtractor.key(k), 128)));
                        }
                        if (((Number) v[22]).longValue() != AgentIndex.ALL) {
                            // rows from before the agent index (bits -1) pass its pre-check whatever it knows
                            terms.addAll(AgentIndex.terms(IndexSums.parts((String) v[15])));
                        }
                    }
                }
                access.endBatch();
                done[0] += got;
                progress.update(done[0], total);
                if (got < 5000) {
                    break;
                }
            }
            access.finish();
        }
        missing(e, "AuditEvent", Ledger.AUDIT);
        childSums(c, sha, "audit_purpose", purposeSum, "the purpose-of-use index");
        Set<String> known = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT k FROM audit_agent_key")) {
            while (rs.next()) {
                known.add(rs.getString(1));
            }
        }
        for (String t : terms) {
            if (!known.contains(t)) {
                problem(Kind.INDEX, null, "the agent index", "'" + t + "' is missing: the agent filter would not "
                        + "find the events it names");
            }
        }
        return true;
    }

    /** The texts of the block read last: rows in key order mostly follow their blocks, each block is read once. */
    private final class BlockReader {
        private long block = -1;
        private byte[][] texts;
        private CacheException error;

        byte[] text(Connection c, long wanted, int slot) throws SQLException {
            if (wanted != block) {
                block = wanted;
                try {
                    texts = raws.blockBytes(c, wanted);
                    error = null;
                } catch (CacheException ex) {
                    texts = null;
                    error = ex;
                }
            }
            if (error != null) {
                throw error;
            }
            if (slot < 0 || slot >= texts.length) {
                throw new CacheException("its slot " + slot + " is not in raw block " + wanted);
            }
            return texts[slot];
        }
    }

    private void check(ExpectedRows e, long pk, byte[] leaf, Integer originId, String what) {
        int i = e.find(pk);
        if (i >= 0 && e.seen[i]) {
            problem(Kind.INSERTED, originId, what, "a second row with key " + pk);
            return;
        }
        if (i < 0 || !e.stored[i] || e.removed[i]) {
            problem(Kind.INSERTED, originId, what, i >= 0 && e.removed[i] ? "Custos removed this row (key " + pk
                    + "), yet it is there again" : "no ledger entry recorded it (key " + pk + ")");
            if (i >= 0) {
                e.seen[i] = true;
            }
            return;
        }
        e.seen[i] = true;
        if (!Arrays.equals(e.leaf(i), leaf)) {
            problem(Kind.CHANGED, originId, what, "it differs from what was stored (ledger entry " + e.entry[i] + ")");
        }
    }

    /** The row's state bits are the ones the ledger last recorded for it (current, superseded, changed, deleted). */
    private void checkState(ExpectedRows e, long pk, int state, Integer originId, String what) {
        int i = e.find(pk);
        if (i >= 0 && e.state[i] != -1 && e.state[i] != (byte) state) {
            problem(Kind.STATE, originId, what, "its flags say " + describeState(state) + ", the ledger recorded "
                    + describeState(e.state[i]));
        }
    }

    private static String describeState(int s) {
        String flags = State.describe(s);
        return ((s & State.SUPERSEDED) != 0 ? "an earlier version" : "the current version")
                + (flags.isEmpty() ? "" : " (" + flags + ")");
    }

    private void missing(ExpectedRows e, String type, String table) {
        List<Integer> gone = new ArrayList<>();
        for (int i = 0; i < e.n; i++) {
            if (e.stored[i] && !e.seen[i] && !e.removed[i]) {
                gone.add(i);
            }
        }
        gone.sort((a, b) -> Long.compare(e.pks[a], e.pks[b]));
        for (int i : gone) {
            problem(Kind.DELETED, e.originOf(i), type + " row " + e.pks[i] + " of " + table, "recorded in ledger entry "
                    + e.entry[i] + ", not in the cache, and Custos did not remove it");
        }
    }

    /** The index rows of one child table must be exactly those the rows name (a multiset sum over both sides). */
    private void childSums(Connection c, MessageDigest sha, String table, long[] expectedSum, String name)
            throws SQLException {
        if (!Arrays.equals(IndexSums.sumOf(c, sha, table), expectedSum)) {
            problem(Kind.INDEX, null, name, "its rows are not the ones the events name (rows added, removed or "
                    + "changed): searches by it would miss or invent events");
        }
    }

    /** The smaller tables, whole. */
    private void otherRows(Connection c, String table, ExpectedRows e, long[] done) throws SQLException {
        String key = table.equals(Ledger.RESOURCE) ? "pk" : "id";
        String columns = switch (table) {
            case Ledger.RESOURCE -> StoredRows.RESOURCE_COLUMNS;
            case Ledger.QUARANTINE -> StoredRows.QUARANTINE_COLUMNS;
            case Ledger.TOMBSTONE -> StoredRows.TOMBSTONE_COLUMNS;
            default -> StoredRows.ORIGIN_COLUMNS;
        };
        int n = StoredRows.columnCount(table);
        Leaf leaf = new Leaf();
        boolean versioned = table.equals(Ledger.RESOURCE);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT " + key + ", " + columns
                + (versioned ? ", state" : "") + " FROM " + table + " ORDER BY " + key)) {
            while (rs.next()) {
                long pk = rs.getLong(1);
                Object[] v = StoredRows.read(rs, 2, n);
                if (versioned) {
                    checkState(e, pk, rs.getInt(n + 2), StoredRows.originOf(table, v), v[0] + "/" + v[1]);
                }
                String what = switch (table) {
                    case Ledger.RESOURCE -> v[0] + "/" + v[1];
                    case Ledger.QUARANTINE -> "quarantined item (" + v[3] + (v[4] == null ? "" : ", " + v[4]) + ")";
                    case Ledger.TOMBSTONE -> "the delete of " + v[1] + "/" + v[2];
                    default -> "origin " + v[1];
                };
                check(e, pk, StoredRows.leaf(leaf, table, v), StoredRows.originOf(table, v), what);
                done[0]++;
            }
        }
        missing(e, switch (table) {
            case Ledger.RESOURCE -> "Consent/Provenance";
            case Ledger.QUARANTINE -> "quarantined item";
            case Ledger.TOMBSTONE -> "delete";
            default -> "origin";
        }, table);
    }

    /** Every event has exactly one current version whose flags fit its versions and deletes. */
    private void states(Connection c) throws SQLException {
        CurrentVersions.check(c, (origin, what, detail) -> problem(Kind.STATE, origin, what, detail));
    }
}
