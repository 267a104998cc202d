package org.custos.cache;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Verify's part for the access index ({@link AccessIndex}): the index's rows must be exactly those the current
 * versions' texts give (patient keys, recorded time, origin and facts, each recomputed from the text), every version's
 * {@code facts_id} must name the facts of its own text, and the day counts must be the counts of the rows.
 * <p>
 * Recomputing the facts means parsing every current text, the largest part of a verify's work: it runs on a second
 * thread, a batch behind the reading of the rows, and is finished at {@link #finish}. The thread is this check's
 * own and ends at {@link #close}. So a batch's index problems are reported after the next batch's row problems
 * (verify's list is not in row order across the two kinds).
 */
final class AccessCheck implements AutoCloseable {
    /** Reports one difference of the index. */
    interface Problems {
        void add(Integer originId, String what, String detail);
    }

    /** One version as verify read it; {@code raw} only when its facts must be recomputed. */
    record Row(long pk, String what, int originId, long recorded, List<String> patientKeys, boolean current,
               Integer factsId, boolean rowChanged, byte[] raw) {
    }

    private final Connection c;
    private final MessageDigest sha;
    private final Problems problems;
    private final long[] sum = new long[2];
    private final Map<Integer, String> factsText = new HashMap<>();
    private final ObjectMapper mapper = new ObjectMapper();
    private final ExecutorService parser = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "custos-verify-facts");
        t.setDaemon(true);
        return t;
    });
    private List<Row> rows = new ArrayList<>();
    private List<Row> pendingRows = List.of();
    private Future<String[]> pending;

    AccessCheck(Connection c, MessageDigest sha, Problems problems) throws SQLException {
        this.c = c;
        this.sha = sha;
        this.problems = problems;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, facts FROM audit_facts")) {
            while (rs.next()) {
                factsText.put(rs.getInt(1), rs.getString(2));
            }
        }
    }

    /** Whether the facts of a version are read from its text: not for a row already reported, nor an old one without. */
    static boolean needsText(boolean current, Integer factsId, boolean rowChanged) {
        return !rowChanged && (current || factsId != null);
    }

    void add(Row row) {
        rows.add(row);
    }

    /** The rows added so far go to the parsing thread; those before them are checked (waiting for their facts). */
    void endBatch() throws SQLException {
        List<Row> batch = rows;
        rows = new ArrayList<>();
        Future<String[]> next = parser.submit(() -> {
            String[] facts = new String[batch.size()];
            for (int i = 0; i < facts.length; i++) {
                byte[] raw = batch.get(i).raw();
                facts[i] = raw == null ? null : AccessIndex.facts(mapper, raw);
            }
            return facts;
        });
        checkPending();
        pending = next;
        pendingRows = batch;
    }

    /** Checks what is left, then the index as a whole against what the rows gave. */
    void finish() throws SQLException {
        endBatch();
        checkPending();
        if (!Arrays.equals(sumOfIndex(), sum)) {
            problems.add(null, "the patient and access index", "its rows are not the ones the current events "
                    + "name (rows added, removed or changed): the patient filter and the check of past access against "
                    + "consent would miss or invent events");
        }
        if (!daysMatch(c)) {
            problems.add(null, "the access index's day counts", "they are not the counts of its rows: a "
                    + "check of past access against consent would count events that are not there, or miss some");
        }
    }

    private void checkPending() throws SQLException {
        if (pending == null) {
            return;
        }
        String[] facts;
        try {
            facts = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("Verifying the cache was interrupted", e);
        } catch (ExecutionException e) {
            throw new CacheException("Reading the events' facts failed: " + e.getCause(), e.getCause());
        }
        for (int i = 0; i < facts.length; i++) {
            check(pendingRows.get(i), facts[i]);
        }
        pending = null;
        pendingRows = List.of();
    }

    private void check(Row r, String facts) throws SQLException {
        if (r.current() && !r.patientKeys().isEmpty()) {
            if (r.rowChanged()) {
                // the row is reported already: its index rows are taken as they are, not reported twice
                addRowsOf(r.pk(), r.patientKeys());
            } else {
                for (String k : AccessIndex.keys(r.patientKeys())) {
                    IndexSums.add(sum, IndexSums.keyHash(sha, r.pk(), entry(k, r.recorded(), r.originId(), facts)));
                }
            }
        }
        if (r.current() && r.factsId() == null && !r.rowChanged()) {
            problems.add(r.originId(), r.what(), "its current version has no facts recorded with it: the access index "
                    + "cannot find its rows again");
        } else if (r.factsId() != null && facts != null && !facts.equals(factsText.get(r.factsId()))) {
            // the facts written with the version (what finds its index rows again) are its own
            problems.add(r.originId(), r.what(), "the facts recorded with it (id " + r.factsId() + ") are not the "
                    + "ones its text gives: the access index would keep or lose its rows wrongly");
        }
    }

    @Override
    public void close() {
        parser.shutdownNow();
    }

    /** What one row of the index must hash to (with {@link IndexSums#keyHash}, summed like the other indexes). */
    private static String entry(String k, long recorded, int originId, String facts) {
        return k + '\u0000' + recorded + '\u0000' + originId + '\u0000' + facts;
    }

    /** The sum over the index as it is (facts by id from the table read at the start: nothing writes meanwhile). */
    private long[] sumOfIndex() throws SQLException {
        long[] sum = new long[2];
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT event_pk, k, recorded, "
                + "origin_id, facts_id FROM audit_access")) {
            while (rs.next()) {
                String facts = factsText.get(rs.getObject(5, Integer.class));
                IndexSums.add(sum, IndexSums.keyHash(sha, rs.getLong(1), entry(rs.getString(2), rs.getLong(3),
                        rs.getInt(4), facts == null ? "(missing facts)" : facts)));
            }
        }
        return sum;
    }

    /** Adds the index rows of one event, as they are, to the sum. */
    private void addRowsOf(long pk, List<String> patientKeys) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.k, a.recorded, a.origin_id, f.facts FROM audit_access a "
                + "LEFT JOIN audit_facts f ON f.id = a.facts_id WHERE a.k = ? AND a.event_pk = ?")) {
            for (String k : AccessIndex.keys(patientKeys)) {
                ps.setString(1, k);
                ps.setLong(2, pk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String facts = rs.getString(4);
                        IndexSums.add(sum, IndexSums.keyHash(sha, pk, entry(rs.getString(1), rs.getLong(2),
                                rs.getInt(3), facts == null ? "(missing facts)" : facts)));
                    }
                }
            }
        }
    }

    /** Whether the day counts of the counted keys are exactly those of the access index's rows. */
    private static boolean daysMatch(Connection c) throws SQLException {
        String day = AccessIndex.daySql("recorded");
        String expected = "SELECT k, " + day + " AS epoch_day, facts_id, origin_id, COUNT(*) AS n FROM audit_access "
                + "WHERE k IN (SELECT k FROM audit_access_summary) GROUP BY k, " + day + ", facts_id, origin_id";
        String actual = "SELECT k, epoch_day, facts_id, origin_id, n FROM audit_access_day WHERE k IN (SELECT k FROM "
                + "audit_access_summary)";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM ("
                + expected + " EXCEPT " + actual + ") x) + (SELECT COUNT(*) FROM (" + actual + " EXCEPT " + expected
                + ") y)")) {
            rs.next();
            return rs.getLong(1) == 0;
        }
    }
}
