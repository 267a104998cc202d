package org.custos.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Writes waiting to go to a server (table {@code outbox}), in the order they were made: each entry is one resource's
 * JSON for one server origin, with the version the user started from. Every change of an entry is committed and
 * flushed to the file before the method returns (H2 would otherwise keep the last ~second of commits in memory, and
 * a killed process would lose them): an entry marked {@link Status#SENDING} is on disk before its request leaves.
 * <p>
 * Life of an entry: {@code PENDING} → {@code SENDING} → {@code SENT} (the server's version is stored in the cache in
 * the same transaction), or → {@code CONFLICT} (the server holds another version, kept with the entry) or
 * {@code FAILED} (the server refused it for another reason); a conflict or failure is replaced by a new entry by
 * {@link #resolve} (the old one ends {@code DISCARDED}, its text kept), goes back to {@code PENDING} by
 * {@link #retry}, or ends as {@code DISCARDED}. A failure that may pass (server down) leaves the
 * entry {@code PENDING} with the reason ({@link #markRetry}). Sent and discarded entries are kept as the record of
 * what was sent; nothing is deleted but by a purge of the origin (see {@link OriginData#purge}).
 */
public final class OutboxStore {
    /** Where an entry is in its life (see the class comment). */
    public enum Status {
        PENDING, SENDING, SENT, CONFLICT, FAILED, DISCARDED;

        /** Not sent and not given up: the entry still has to reach the server (or the user has to decide). */
        public boolean open() {
            return this != SENT && this != DISCARDED;
        }
    }

    /**
     * One entry. {@code baseVersion}: the server version the user started from (sent as If-Match), null for a new
     * resource or when {@code baseSeq} is set: the earlier entry whose result the user edited (its server version
     * becomes this one's If-Match once it is sent). {@code serverVersion}/{@code serverJson}: what the server held
     * at a conflict (null: it had nothing).
     */
    public record Entry(long seq, String origin, String type, String id, String baseVersion, Long baseSeq,
                        String json, long createdAt, long updatedAt, Status status, int attempts, String lastMessage,
                        String sentVersion, String serverVersion, String serverJson) {
        /** "Consent/abc" */
        public String resource() {
            return type + "/" + id;
        }
    }

    private static final int MAX_MESSAGE = 2000;

    private final Cache cache;
    /** The reads (this class makes the changes). */
    private final OutboxQueries queries;
    /** Checks what is put into the outbox. */
    private final OutboxInput input = new OutboxInput();

    /** The origins whose outbox a sender is working through now (one sender per origin). */
    private final Set<String> claimed = new java.util.HashSet<>();
    /** How many callers of {@link #claim(String, java.time.Duration)} wait, per origin (guarded by claimed). */
    private final java.util.Map<String, Integer> waiting = new java.util.HashMap<>();

    OutboxStore(Cache cache) {
        this.cache = cache;
        this.queries = new OutboxQueries(cache);
    }

    /**
     * Claims the sending of {@code origin}'s entries for the caller; false when someone in this process has it
     * (two senders would send the same entry twice). Give it back with {@link #release}.
     */
    public boolean claim(String origin) {
        synchronized (claimed) {
            return claimed.add(Origins.normalize(origin));
        }
    }

    /**
     * As {@link #claim(String)}, waiting up to {@code wait} for the one who has it to {@link #release} it (woken by
     * the release, no polling). False when it was not given back in time.
     */
    public boolean claim(String origin, java.time.Duration wait) throws InterruptedException {
        String o = Origins.normalize(origin);
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (claimed) {
            waiting.merge(o, 1, Integer::sum);
            try {
                while (!claimed.add(o)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(claimed, left);
                }
                return true;
            } finally {
                waiting.merge(o, -1, (a, b) -> a + b == 0 ? null : a + b);
            }
        }
    }

    /** Whether someone waits in {@link #claim(String, java.time.Duration)} for {@code origin}'s claim now. */
    public boolean claimAwaited(String origin) {
        synchronized (claimed) {
            return waiting.containsKey(Origins.normalize(origin));
        }
    }

    /**
     * Claims the sending of {@code origin}'s own-trail entries (apart from its edits: a save sends its edit while the
     * trail goes); false when someone in this process has it. Give it back with {@link #releaseTrail}.
     */
    public boolean claimTrail(String origin) {
        synchronized (claimed) {
            return claimed.add(Origins.normalize(origin) + " (trail)");
        }
    }

    public void releaseTrail(String origin) {
        synchronized (claimed) {
            claimed.remove(Origins.normalize(origin) + " (trail)");
            claimed.notifyAll();
        }
    }

    public void release(String origin) {
        synchronized (claimed) {
            claimed.remove(Origins.normalize(origin));
            claimed.notifyAll();
        }
    }

    /**
     * Adds a write of {@code json} as {@code type/id} to the server {@code origin} (its base URL), based on the
     * server's version {@code baseVersion} (null: a new resource). Returns the entry's seq.
     *
     * @throws IllegalArgumentException the JSON is not a {@code type} resource, or the identity is not FHIR's
     */
    public long enqueue(String origin, String type, String id, String baseVersion, String json) {
        input.checkIdentity(type, id);
        if (type.equals("AuditEvent")) {
            // AuditEvents are evidence, never edited: the only ones sent are Custos's own trail (TrailWrites)
            throw new IllegalArgumentException("Custos sends no AuditEvent but its own audit trail.");
        }
        input.checkVersion(baseVersion);
        input.checkJson(type, json);
        String name = Origins.normalize(origin);
        if (!Origins.kindOf(name).equals("server")) {
            throw new IllegalArgumentException("The outbox sends to servers: '" + origin + "' is not a server's "
                    + "base URL.");
        }
        int originId = cache.origins().idOf(name);
        return insert(originId, type, id, baseVersion, null, json);
    }

    /**
     * Adds a write of the resource of entry {@code baseSeq}, edited from what that entry sends: its If-Match will be
     * the version the server gives entry {@code baseSeq} (it waits until that one is sent).
     */
    public long enqueueAfter(long baseSeq, String json) {
        Entry base = get(baseSeq).orElseThrow(() -> new IllegalArgumentException("No outbox entry " + baseSeq + "."));
        if (base.status() == Status.DISCARDED) {
            throw new IllegalArgumentException("Outbox entry " + baseSeq + " was discarded: start from the server's "
                    + "version instead.");
        }
        if (base.type().equals("AuditEvent")) {
            throw new IllegalArgumentException("Outbox entry " + baseSeq + " is an event of Custos's own audit "
                    + "trail: it is not edited.");
        }
        input.checkJson(base.type(), json);
        if (base.status() == Status.SENT) {
            // its version is known already: an ordinary If-Match
            return insert(originId(base), base.type(), base.id(), base.sentVersion(), null, json);
        }
        return insert(originId(base), base.type(), base.id(), null, baseSeq, json);
    }

    private int originId(Entry e) {
        return cache.origins().find(e.origin()).map(Origins.Origin::id).orElseThrow(() ->
                new IllegalStateException("The origin " + e.origin() + " is not in the cache."));
    }

    private long insert(int originId, String type, String id, String baseVersion, Long baseSeq, String json) {
        long seq = cache.inTransaction("Adding to the outbox", c -> insert(c, originId, type, id, baseVersion,
                baseSeq, json));
        durable();
        return seq;
    }

    static long insert(Connection c, int originId, String type, String id, String baseVersion, Long baseSeq,
                               String json) throws SQLException {
        {
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (origin_id, res_type, res_id, "
                    + "base_version, base_seq, body, created_at, updated_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    new String[]{"SEQ"})) {
                ps.setInt(1, originId);
                ps.setString(2, type);
                ps.setString(3, id);
                ps.setString(4, baseVersion);
                ps.setObject(5, baseSeq);
                ps.setString(6, json);
                ps.setLong(7, now);
                ps.setLong(8, now);
                ps.setString(9, Status.PENDING.name());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    /** One entry. */
    public Optional<Entry> get(long seq) {
        return queries.get(seq);
    }

    /** The entries of the server {@code origin} waiting to be sent ({@code PENDING} or {@code SENDING}), in order. */
    public List<Entry> pending(String origin) {
        return queries.pending(origin);
    }

    /** The entries of {@code origin} not sent and not discarded (pending, sending, conflict, failed), in order. */
    public List<Entry> unsent(String origin) {
        return queries.unsent(origin);
    }

    /** Every entry of {@code origin}, in order. */
    public List<Entry> entries(String origin) {
        return queries.entries(origin);
    }

    /** Every entry for one resource of {@code origin}, in order. */
    public List<Entry> entriesFor(String origin, String type, String id) {
        return queries.entriesFor(origin, type, id);
    }

    /** The entries of every server not sent and not discarded (pending, sending, conflict, failed), in order. */
    public List<Entry> unsent() {
        return queries.unsent();
    }

    /** The conflicts and failures of every server, oldest first: what a screen asks the user about. */
    public List<Entry> needingAttention() {
        return queries.needingAttention();
    }

    /** The server origins that have entries waiting to be sent, by name. */
    public List<String> originsWithPending() {
        return queries.originsWithPending();
    }

    /** How many entries wait to be sent ({@code PENDING} or {@code SENDING}), all servers. */
    public long countPending() {
        return queries.countPending();
    }

    /** How many of Custos's own audit events wait to be sent (pending or sending), all servers. */
    public long countPendingTrail() {
        return queries.countPendingTrail();
    }

    /** How many of Custos's own audit events wait to be sent to {@code origin}. */
    public long countPendingTrail(String origin) {
        return queries.countPendingTrail(origin);
    }

    /** How many entries of {@code origin} wait to be sent. */
    public long countPending(String origin) {
        return queries.countPending(origin);
    }

    /** How many entries wait for the user: conflicts and failures, all servers. */
    public long countNeedingAttention() {
        return queries.countNeedingAttention();
    }

    /** How many entries of this origin are open (not sent, not discarded). */
    long countOpen(Connection c, int originId) throws SQLException {
        return queries.countOpen(c, originId);
    }

    /** An entry is about to be sent: committed (and on disk) before the request leaves. */
    public void markSending(long seq) {
        update(seq, "Marking outbox entry " + seq + " as sending", EnumSet.of(Status.PENDING, Status.SENDING),
                "UPDATE outbox SET state = 'SENDING', attempts = attempts + 1, updated_at = ? WHERE seq = ?");
    }

    /**
     * As {@link #markSending}, for a sender that read the entry a moment ago: false (and nothing changed) when it
     * is no longer waiting to be sent (the user discarded or resolved it meanwhile): then it must not be sent.
     * The change is atomic against {@link #discard}: of the two, exactly one wins.
     */
    public boolean startSending(long seq) {
        try {
            markSending(seq);
            return true;
        } catch (IllegalStateException notPending) {
            return false;
        }
    }

    /**
     * The server stored entry {@code seq}: it answered with {@code serverJson} (its text of the new version). In the
     * same transaction that version is stored in the cache under the entry's origin (as a sync would store it,
     * recorded in the ledger) and the entry becomes {@code SENT} with that version.
     */
    public UpsertCounts markSent(long seq, String serverJson) {
        Entry e = get(seq).orElseThrow(() -> new IllegalArgumentException("No outbox entry " + seq + "."));
        IncomingResource r = IncomingResource.fromJson(serverJson, "outbox entry " + seq);
        if (!e.type().equals(r.type()) || !e.id().equals(r.id())) {
            throw new IllegalArgumentException("The server answered " + r.type() + "/" + r.id() + " for "
                    + e.resource() + ".");
        }
        int originId = originId(e);
        UpsertCounts counts = cache.inTransaction("Recording outbox entry " + seq + " as sent", c -> {
            // the state changes only if it is still pending or sending (checked and changed in one statement:
            // H2 locks the row and checks again); otherwise the transaction rolls back, the cache unchanged
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET state = 'SENT', sent_version = ?, "
                    + "last_message = NULL, server_version = NULL, server_json = NULL, updated_at = ? WHERE seq = ? "
                    + "AND state IN ('PENDING', 'SENDING')")) {
                ps.setString(1, AuditStore.cut(r.versionId(), 64));
                ps.setLong(2, System.currentTimeMillis());
                ps.setLong(3, seq);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalStateException("Outbox entry " + seq + " is " + statusOf(c, seq)
                            + ", not sending.");
                }
            }
            return cache.resources().upsert(c, originId, List.of(r));
        });
        durable();
        return counts;
    }

    /**
     * The server holds another version than entry {@code seq} was based on: the entry stops ({@code CONFLICT}) with
     * the server's version and text (null: it has none) until the user resolves or discards it.
     */
    public void markConflict(long seq, String serverVersion, String serverJson, String message) {
        update(seq, "Recording a conflict for outbox entry " + seq, EnumSet.of(Status.PENDING, Status.SENDING),
                "UPDATE outbox SET state = 'CONFLICT', server_version = ?, server_json = ?, last_message = ?, "
                        + "updated_at = ? WHERE seq = ?", AuditStore.cut(serverVersion, 64), serverJson,
                cutMessage(message));
    }

    /** The server refused entry {@code seq} for a reason that will not pass by itself: {@code FAILED}, with why. */
    public void markFailed(long seq, String message) {
        update(seq, "Recording a failure for outbox entry " + seq, EnumSet.of(Status.PENDING, Status.SENDING),
                "UPDATE outbox SET state = 'FAILED', last_message = ?, updated_at = ? WHERE seq = ?",
                cutMessage(message));
    }

    /** Entry {@code seq} could not be sent now (server down, timeout): it stays {@code PENDING}, with why. */
    public void markRetry(long seq, String message) {
        update(seq, "Recording a failed attempt for outbox entry " + seq, EnumSet.of(Status.PENDING, Status.SENDING),
                "UPDATE outbox SET state = 'PENDING', last_message = ?, updated_at = ? WHERE seq = ?",
                cutMessage(message));
    }

    /**
     * Entry {@code seq} was sent but no clear answer came (a timeout, a broken connection) or its answer could not be
     * recorded: it may be on the server. It stays {@code SENDING}, with why: the next send reads the server first
     * (is this text there? then it is {@code SENT}; else it is sent again with its If-Match), and nothing discards
     * it meanwhile.
     */
    public void markUncertain(long seq, String message) {
        update(seq, "Recording an unanswered send of outbox entry " + seq, EnumSet.of(Status.SENDING),
                "UPDATE outbox SET last_message = ?, updated_at = ? WHERE seq = ?", cutMessage(message));
    }

    /**
     * A conflict or failure resolved by the user: entry {@code seq} is {@code DISCARDED} (its text stays in the
     * database, as its row) and a new {@code PENDING} entry takes its place with {@code json} (what to send now; often
     * merged with the server's) based on {@code baseVersion} (usually the conflict's server version; null: as a new
     * resource). The entries {@code alsoDiscard} (later waiting texts of the same resource, which the user's text
     * replaces) are discarded in the same transaction. Nothing is overwritten. Returns the new entry's seq.
     */
    public long resolve(long seq, String json, String baseVersion, List<Long> alsoDiscard) {
        Entry e = get(seq).orElseThrow(() -> new IllegalArgumentException("No outbox entry " + seq + "."));
        if (e.type().equals("AuditEvent")) {
            throw new IllegalArgumentException("Outbox entry " + seq + " is an event of Custos's own audit trail: it "
                    + "is not edited (send it again, or discard it).");
        }
        input.checkJson(e.type(), json);
        input.checkVersion(baseVersion);
        int originId = originId(e);
        long created = cache.inTransaction("Resolving outbox entry " + seq, c -> {
            long now = System.currentTimeMillis();
            discardIn(c, seq, now, "('CONFLICT', 'FAILED')");
            for (long later : alsoDiscard) {
                if (later != seq) {
                    discardIn(c, later, now, "('PENDING', 'CONFLICT', 'FAILED')");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (origin_id, res_type, res_id, "
                    + "base_version, base_seq, body, created_at, updated_at, state) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, "
                    + "'PENDING')", new String[]{"SEQ"})) {
                ps.setInt(1, originId);
                ps.setString(2, e.type());
                ps.setString(3, e.id());
                ps.setString(4, baseVersion);
                ps.setString(5, json);
                ps.setLong(6, now);
                ps.setLong(7, now);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        durable();
        return created;
    }

    /** As {@link #resolve(long, String, String, List)} with nothing else discarded. */
    public long resolve(long seq, String json, String baseVersion) {
        return resolve(seq, json, baseVersion, List.of());
    }

    private static void discardIn(Connection c, long seq, long now, String from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET state = 'DISCARDED', updated_at = ? "
                + "WHERE seq = ? AND state IN " + from)) {
            ps.setLong(1, now);
            ps.setLong(2, seq);
            if (ps.executeUpdate() == 0) {
                throw new IllegalStateException("Outbox entry " + seq + " is " + statusOf(c, seq) + ": cannot "
                        + "resolve it (nothing was changed).");
            }
        }
    }

    /** A failed entry is tried again as it is. */
    public void retry(long seq) {
        update(seq, "Retrying outbox entry " + seq, EnumSet.of(Status.FAILED),
                "UPDATE outbox SET state = 'PENDING', updated_at = ? WHERE seq = ?");
    }

    /** The user gives entry {@code seq} up (the server's version stands): {@code DISCARDED}, kept as a record. */
    /**
     * Gives up entry {@code seq} that is {@code SENDING} with no clear answer (it may be on the server): it becomes
     * {@code DISCARDED}, its text kept as its row, with why. Only for an entry no send holds now (the caller holds
     * the origin's claim, see {@code ConsentSaver#giveUp}).
     */
    public void giveUp(long seq) {
        update(seq, "Giving up outbox entry " + seq, EnumSet.of(Status.SENDING),
                "UPDATE outbox SET state = 'DISCARDED', last_message = ?, updated_at = ? WHERE seq = ?",
                cutMessage("Given up by the user while unanswered: it may be on the server."));
    }

    public void discard(long seq) {
        update(seq, "Discarding outbox entry " + seq, EnumSet.of(Status.PENDING, Status.CONFLICT, Status.FAILED),
                "UPDATE outbox SET state = 'DISCARDED', updated_at = ? WHERE seq = ?");
    }

    /**
     * Runs {@code sql} (its parameters: {@code params}, then updated_at, then seq) when the entry is in {@code from}.
     * A compare-and-set: the state is checked in the UPDATE itself (H2 locks the row and checks the condition again
     * after waiting for another transaction), so of two threads changing one entry only one sees the old state.
     */
    private void update(long seq, String what, Set<Status> from, String sql, Object... params) {
        String guarded = sql + " AND state IN (" + String.join(", ", from.stream().map(f -> "'" + f.name() + "'")
                .toList()) + ")";
        cache.inTransaction(what, c -> {
            try (PreparedStatement ps = c.prepareStatement(guarded)) {
                int i = 1;
                for (Object p : params) {
                    ps.setObject(i++, p);
                }
                ps.setLong(i++, System.currentTimeMillis());
                ps.setLong(i, seq);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalStateException("Outbox entry " + seq + " is " + statusOf(c, seq) + ": cannot "
                            + what.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + what.substring(1) + ".");
                }
            }
            return null;
        });
        durable();
    }

    static Status statusOf(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT state FROM outbox WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("No outbox entry " + seq + ".");
                }
                return Status.valueOf(rs.getString(1));
            }
        }
    }

    /** Removes the origin's sent and discarded entries (a purge; open ones have been refused before). */
    static long removeClosed(Connection c, int originId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE origin_id = ? AND state IN "
                + "('SENT', 'DISCARDED')")) {
            ps.setInt(1, originId);
            return ps.executeUpdate();
        }
    }

    /**
     * Writes the committed changes to the file now: H2 keeps up to about a second of commits in memory
     * (WRITE_DELAY), which a killed process would lose, and an outbox entry must not be lost nor forget that it
     * was being sent.
     */
    private void durable() {
        try (Connection c = cache.connection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new CacheException("Writing the outbox to disk failed: " + e.getMessage(), e);
        }
    }

    private static String cutMessage(String m) {
        return m == null || m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE - 1) + "…";
    }
}
