package org.custos.cache;

import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

/**
 * The open cache's connections: H2's pool, counted by a {@link CacheGate} so that the file can be closed for a moment
 * and rewritten in place (a compaction after an import or a sync) and then opened again, and closed for good once.
 * A compaction in place and the closing of the cache wait for each other.
 */
final class CacheConnections {
    /** What {@link #whileClosed} did. */
    enum Closing {
        /** The work ran on the closed file, and the file is open again. */
        DONE,
        /** Connections stayed in use for the whole wait: nothing was done. */
        BUSY,
        /** No longer wanted once the file could be closed (another compaction came first): nothing was done. */
        NOT_NEEDED,
        /** The cache was closed meanwhile: nothing was done. */
        CLOSED
    }

    private final Path base;
    private final Path h2;
    private final EncryptedFiles encrypted;
    /** Runs once the pool is gone for good (the cache forgets its key). */
    private final Runnable onClose;
    /** Replaced only while the gate is shut (a compaction in place). */
    private volatile JdbcConnectionPool pool;
    private final CacheGate gate = new CacheGate();
    /** Held while the file is closed for a compaction in place and while the cache closes. */
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    CacheConnections(Path base, Path h2, JdbcConnectionPool pool, EncryptedFiles encrypted, Runnable onClose) {
        this.base = base;
        this.h2 = h2;
        this.pool = pool;
        this.encrypted = encrypted;
        this.onClose = onClose;
    }

    /** A connection of the pool, counted by the gate until it is closed. */
    Connection get() throws SQLException {
        gate.enter();
        if (closed) {
            gate.leave();
            throw new SQLException("The cache " + h2 + " is closed");
        }
        try {
            return gate.counted(pool.getConnection());
        } catch (SQLException | RuntimeException e) {
            gate.leave();
            throw e;
        }
    }

    /**
     * Closes the open cache's file while no connection is in use, runs {@code onClosedFile} on the closed H2 file
     * under the lock openings take (no other Custos process opens or converts it meanwhile), and opens the file again,
     * whatever {@code onClosedFile} did. Connections asked for meanwhile wait. Nothing is done when the connections in
     * use were not all closed within {@code waitMillis}, or when {@code stillWanted} (asked once the gate is shut,
     * from the file alone: no connection can be had then) says no.
     *
     * @throws CacheException {@code onClosedFile} failed (the file is open again, as it was), or the file could not
     *                        be opened again: the cache is then closed, and says so to whatever asks it next
     */
    Closing whileClosed(long waitMillis, BooleanSupplier stillWanted, Runnable onClosedFile) {
        try {
            if (!gate.shutWhenIdle(waitMillis)) {
                return Closing.BUSY;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Closing.BUSY;
        }
        try {
            synchronized (lifecycle) {
                if (closed) {
                    return Closing.CLOSED;
                }
                if (!stillWanted.getAsBoolean()) {
                    return Closing.NOT_NEEDED;
                }
                CacheFiles.whileNotOpened(h2, () -> rewrite(onClosedFile));
            }
            return Closing.DONE;
        } finally {
            gate.open();
        }
    }

    /** The pool gone, {@code onClosedFile} run, a new pool on the file (under the lifecycle lock, the gate shut). */
    private void rewrite(Runnable onClosedFile) {
        pool.dispose();
        RuntimeException failed = null;
        try {
            onClosedFile.run();
        } catch (RuntimeException e) {
            failed = e;
        }
        JdbcConnectionPool reopened = null;
        try {
            reopened = CachePool.connect(base, encrypted);
            CachePool.storeOpeningChanges(reopened); // as an opening does (Cache.open)
            pool = reopened;
        } catch (RuntimeException e) {
            if (reopened != null) {
                reopened.dispose();
            }
            closed = true;
            onClose.run();
            CacheException c = new CacheException("The cache " + h2 + " could not be opened again after "
                    + (failed == null ? "it was compacted" : "a compaction failed") + "; start Custos again: "
                    + e.getMessage(), e);
            if (failed != null) {
                c.addSuppressed(failed);
            }
            throw c;
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Closes the connections for good. */
    void close() {
        synchronized (lifecycle) {
            dispose();
        }
    }

    /** Closes the connections for good, after {@code last} has run on one of them (the pool goes whatever it did). */
    void closeAfter(Cache.SqlWork<Void> last) throws SQLException {
        synchronized (lifecycle) {
            try (Connection c = pool.getConnection()) {
                closed = true;
                last.run(c);
            } finally {
                dispose();
            }
        }
    }

    private void dispose() {
        closed = true;
        pool.dispose();
        onClose.run();
    }
}
