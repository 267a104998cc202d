package org.custos.cache;

import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The local cache: one embedded H2 file database, migrated by Flyway. The only entry point to SQL.
 * Opening it takes an exclusive lock on the file; a second process gets a {@link CacheLockedException}.
 */
public final class Cache implements AutoCloseable {

    private final Path file;
    /** The version of the newest migration in db/migration (CacheTest checks that they agree). */
    static final int SCHEMA_VERSION = 12;

    /** The pool, counted; closed for a moment by a compaction in place. */
    private final CacheConnections connections;
    private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock(true);
    private final AuditStore audit;
    private final ResourceStore resources;
    private final QuarantineStore quarantine;
    private final Origins origins;
    private final SyncStore sync;
    private final OriginData originData;
    private final OutboxStore outbox;
    private final ConsentStore consents;
    private final PeopleStore people;
    private final AlertStore alerts;
    private final AlertList alertList;
    private final RuleStore rules;
    private final ReviewStore review;
    private final String openNotice;
    /** The encrypted cache's file scheme (its key), unregistered when the cache closes; null: not encrypted. */
    private final EncryptedFiles encrypted;
    /** The key of an encrypted cache while it is open (a compaction in place writes the copy with it); else null. */
    private volatile CacheKey key;

    private Cache(Path file, JdbcConnectionPool pool, String openNotice, EncryptedFiles encrypted, CacheKey key) {
        this.file = file;
        this.connections = new CacheConnections(file, file(), pool, encrypted, this::forgetKey);
        this.openNotice = openNotice;
        this.encrypted = encrypted;
        this.key = key;
        this.origins = new Origins(this);
        this.audit = new AuditStore(this);
        this.resources = new ResourceStore(this);
        this.quarantine = new QuarantineStore(this);
        this.sync = new SyncStore(this);
        this.originData = new OriginData(this);
        this.outbox = new OutboxStore(this);
        this.consents = new ConsentStore(this);
        this.people = new PeopleStore(this);
        this.alerts = new AlertStore(this, audit.raws());
        this.alertList = new AlertList(this);
        this.rules = new RuleStore(this);
        this.review = new ReviewStore(this);
    }

    /**
     * Opens (creating if needed) the cache whose H2 file is {@code file} (".mv.db" is added by H2 when missing).
     * A new cache is created under a temporary name and moved into place; an older one is copied before it is
     * upgraded and restored from the copy when the upgrade fails or was interrupted (see {@link CacheFiles});
     * {@link #openNotice()} says when that happened.
     */
    public static Cache open(Path file) {
        return open(file, (CacheKey) null, List.of("classpath:db/migration"));
    }

    /**
     * {@link #open(Path)} for a cache encrypted with {@code key} (AES-256 per 1 KiB block, OCB3, or GCM for older
     * files: see {@link EncryptedChannel}; a new one is created encrypted). Null: not encrypted.
     *
     * @throws CacheException the file cannot be opened with this key (another key, or not encrypted), said so
     */
    public static Cache open(Path file, CacheKey key) {
        return open(file, key, List.of("classpath:db/migration"));
    }

    /** {@link #open(Path)} with other migration locations (tests inject a failing migration this way). */
    static Cache open(Path file, List<String> migrations) {
        return open(file, (CacheKey) null, migrations);
    }

    private static Cache open(Path file, CacheKey key, List<String> migrations) {
        EncryptedFiles encrypted = key == null ? null : EncryptedFiles.register(key);
        try {
            return openWith(file, encrypted, key, migrations);
        } catch (RuntimeException | Error e) {
            if (encrypted != null) {
                encrypted.close();
            }
            throw e;
        }
    }

    private static Cache openWith(Path file, EncryptedFiles encrypted, CacheKey key, List<String> migrations) {
        Path base = stripH2Suffix(file.toAbsolutePath());
        CacheFiles.Opened opened = CacheFiles.open(base, SCHEMA_VERSION, migrations, b -> CachePool.connect(b, encrypted));
        JdbcConnectionPool pool = opened.pool();
        Cache cache = new Cache(base, pool, opened.notice(), encrypted, key);
        try (Connection c = pool.getConnection()) {
            cache.origins.init(c);
        } catch (SQLException e) {
            pool.dispose();
            throw new CacheException("Cannot read the cache " + base + ".mv.db: " + e.getMessage(), e);
        }
        cache.audit.init();
        cache.resources.init();
        try (Connection c = pool.getConnection()) {
            if (Sealer.pending(c)) {
                // an upgrade: server origins named as an older Custos wrote them are named as now (one origin per
                // server), then the rows stored before the ledger existed are recorded, restartable batch by batch
                Sealer.normalizeOrigins(cache);
                cache.origins.init(c);
                Sealer.restoreCutColumns(cache, cache.audit.raws());
                Sealer.run(cache, cache.audit.raws());
            }
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            throw new CacheException("Cannot record the cache's rows in its ledger: " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection()) {
            if (SearchIndex.fillPending(c)) {
                // an upgrade to V6: the Consents and people stored before it get their search rows (restartable)
                SearchIndex.fill(cache);
            }
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            throw new CacheException("Cannot fill the search columns of the cache: " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection()) {
            if (ProvenanceIndex.fillPending(c)) {
                // an upgrade to V9: the Provenance stored before it get their list rows (restartable)
                ProvenanceIndex.fill(cache);
            }
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            throw new CacheException("Cannot fill the Provenance list of the cache: " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection()) {
            if (AccessIndex.fillPending(c)) {
                // an upgrade to V8: the AuditEvents stored before it get their access rows (restartable). After the
                // origins were normalized above: the rows copy audit_event.origin_id as it is now
                AccessIndex.fill(cache, cache.audit.raws(), cache.audit.factsIds(), cache.audit.accessDays());
            }
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            throw new CacheException("Cannot fill the access index of the cache: " + e.getMessage(), e);
        }
        try {
            CachePool.storeOpeningChanges(pool);
        } catch (RuntimeException e) {
            pool.dispose();
            throw new CacheException("Cannot write to the cache " + base + ".mv.db (a full disk, or a file Custos may "
                    + "not write?): " + e.getMessage(), e);
        }
        return cache;
    }

    /**
     * What the user should be told about opening this cache: it was upgraded, or restored from the copy made before
     * an upgrade that was interrupted. Empty on an ordinary open.
     */
    public Optional<String> openNotice() {
        return Optional.ofNullable(openNotice);
    }

    static Path stripH2Suffix(Path p) {
        String name = p.getFileName().toString();
        if (name.endsWith(".mv.db")) {
            return p.resolveSibling(name.substring(0, name.length() - ".mv.db".length()));
        }
        return p;
    }

    /** The H2 file (with ".mv.db"). */
    public Path file() {
        return file.resolveSibling(file.getFileName() + ".mv.db");
    }

    public AuditStore audit() { return audit; }

    public ResourceStore resources() { return resources; }

    public QuarantineStore quarantine() { return quarantine; }

    /** The cached Consents as a list: filters and keyset pages. */
    public ConsentStore consents() { return consents; }

    /** The cached Patients, Practitioners, Organizations and RelatedPersons: search and names. */
    public PeopleStore people() { return people; }

    public Origins origins() { return origins; }

    /** A patient's AuditEvents with their text, streamed (for the consent check). */
    public PatientEvents patientEvents() { return new PatientEvents(this, audit.raws()); }

    public PatientAccess patientAccess() { return new PatientAccess(this); }

    public SyncStore sync() { return sync; }

    /** The cached Provenance: by id, and what they point at within their origin. */
    public ProvenanceStore provenance() { return new ProvenanceStore(this); }

    /** What the suspicious-access rules read and found (alerts). */
    public AlertStore alerts() { return alerts; }

    /** The review of the alerts: status, assignee, notes, cases; saved searches. */
    public ReviewStore review() { return review; }

    /** The alerts as the queue and the reports read them. */
    public AlertList alertList() { return alertList; }

    /** The rules' settings and the VIP list. */
    public RuleStore rules() { return rules; }

    /** Writes waiting to go to servers (Consents), persistent and in order. */
    public OutboxStore outbox() { return outbox; }

    /** The reports' settings (what counts as a disclosure), kept with the cache. */
    public ReportSettings reportSettings() { return new ReportSettings(this); }

    /** Custos's own audit trail: each event stored and queued for the servers that receive it, in one commit. */
    public TrailWrites trail() { return new TrailWrites(this); }

    /** Runs {@code work} while no write can start (it waits for the one under way to commit). */
    <T> T whileNoOneWrites(java.util.function.Supplier<T> work) {
        writeLock.lock();
        try {
            return work.get();
        } finally {
            writeLock.unlock();
        }
    }

    /** A check of everything stored against the ledger (see {@link Verifier}). */
    public Verifier verifier() {
        return new Verifier(this, audit.raws());
    }

    /** The ledger's head ("seq:hex"): what a later verify can be given to prove nothing up to it was rewritten. */
    public String ledgerHead() {
        try (Connection c = connection()) {
            return Ledger.head(c).text();
        } catch (SQLException e) {
            throw new CacheException("Reading the ledger failed: " + e.getMessage(), e);
        }
    }

    /** Per-origin counts, and purging an origin. */
    public OriginData originData() { return originData; }

    /** A connection of the pool, counted until it is closed (see {@link CacheConnections}). */
    Connection connection() throws SQLException {
        return connections.get();
    }

    /** {@link CacheConnections#whileClosed}: the file closed for a moment, rewritten in place, opened again. */
    CacheConnections.Closing whileClosed(long waitMillis, java.util.function.BooleanSupplier stillWanted,
                                         Runnable onClosedFile) {
        return connections.whileClosed(waitMillis, stillWanted, onClosedFile);
    }

    /** The key of this encrypted cache while it is open; null for a plain cache. */
    CacheKey key() {
        return key;
    }

    /** Work on one connection that the caller commits as a whole. */
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. Every write to the
     * cache goes through here, one at a time (an import and a sync writing at once take turns per batch): the
     * checks an upsert makes before it writes (which versions are stored) stay true until it commits.
     */
    <T> T inTransaction(String what, SqlWork<T> work) {
        writeLock.lock();
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new CacheException(what + " failed: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Forces what is committed to the disk (what must survive a kill that follows at once). */
    public void forceToDisk() {
        try (Connection c = connection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new CacheException("Writing the cache to the disk failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #inTransaction}, then the file forced to the disk: for what a person decided (a review), which must
     * survive a kill or a power cut that follows at once (H2 otherwise writes committed changes within a second).
     */
    <T> T durably(String what, SqlWork<T> work) {
        T result = inTransaction(what, work);
        try (Connection c = connection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new CacheException(what + ": the change is made but could not be forced to the disk: "
                    + e.getMessage(), e);
        }
        return result;
    }

    /** An origin was purged: closing rewrites the file, so that the removed texts leave the disk. */
    private volatile boolean purged;

    void purged() {
        purged = true;
    }

    /**
     * Closes the cache, compacting it first when an origin was purged or {@link CacheCompaction#worthCompacting} says
     * so; returns true if it compacted.
     */
    public boolean closeTidily() {
        return closeTidily(m -> { });
    }

    /**
     * {@link #closeTidily()}, telling {@code saying} before a compaction starts (it can take seconds: 11–14 for a
     * million events), so that a window can say why closing takes that long.
     */
    public boolean closeTidily(java.util.function.Consumer<String> saying) {
        try {
            if (purged || CacheCompaction.bloated(this)) {
                saying.accept(CacheCompaction.closingNotice(file()));
                compactAndClose();
                return true;
            }
        } catch (java.io.IOException | SQLException | CacheException e) {
            // fall back to a plain close
        }
        close();
        return false;
    }

    /** Rewrites the file to its smallest size (H2 SHUTDOWN COMPACT); the cache is closed afterwards. */
    public void compactAndClose() {
        try {
            connections.closeAfter(c -> {
                try (Statement st = c.createStatement()) {
                    CachePool.quietClose(st);
                    st.execute("SHUTDOWN COMPACT");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new CacheException("Compacting the cache failed: " + e.getMessage(), e);
        } finally {
            CacheFiles.keepPrivate(file());
        }
    }

    /** Closes the cache; H2 closes the file when its last connection goes. */
    @Override
    public void close() {
        connections.close();
    }

    private void forgetKey() {
        key = null;
        if (encrypted != null) {
            encrypted.close();
        }
    }

    /**
     * How many times H2 has read from the cache's file since it was opened (its {@code info.FILE_READ}; -1 when H2
     * does not say): for the benchmarks, which compare like with like.
     */
    public long fileReads() {
        return fileCounter("info.FILE_READ");
    }

    private long fileCounter(String setting) {
        try (Connection c = connection(); PreparedStatement st = c.prepareStatement("SELECT SETTING_VALUE FROM "
                + "INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
            st.setString(1, setting);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Long.parseLong(rs.getString(1).trim()) : -1;
            }
        } catch (SQLException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * How many times H2 has written to the cache's file since it was opened (its {@code info.FILE_WRITE}; -1 when H2
     * does not say): for the benchmarks and the tests of what an opening writes.
     */
    public long fileWrites() {
        return fileCounter("info.FILE_WRITE");
    }

    /** Whether this cache is encrypted. */
    public boolean encrypted() {
        return encrypted != null;
    }

    /** Encrypted blocks that failed their check since the cache was opened (read as zeros; H2 then judged them). */
    public long damagedBlocks() {
        return encrypted == null ? 0 : encrypted.damagedBlocks();
    }
}
