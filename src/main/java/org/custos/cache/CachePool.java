package org.custos.cache;

import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The H2 connection pool of a cache file, with the settings Custos uses, and what an open that fails is told as. */
final class CachePool {
    private CachePool() {
    }

    /** H2's page cache at most: 256 MB. */
    static final long MAX_CACHE_KB = 256 * 1024;
    /** H2's own default, the least given. */
    static final long MIN_CACHE_KB = 16 * 1024;

    /**
     * H2's page cache (KB) for a JVM of {@code maxHeap} bytes: a sixteenth of the heap, from 16 to 256 MB (128 under
     * the installers' 2 GB; it was 64 MB). Filled only as pages are read; each open cache has its own. At 64 MB the
     * browser's first pages on 100,000 events outgrew it: H2 dropped pages and read them again, so the same 43
     * queries on identical files took 26,573 to about 35,800 file reads, changing from one opening to the next
     * (EncryptionBench); at 128 MB nearly every opening takes the least (at most 29,020). Not more by default: the
     * browser's heap target (300 MB while browsing 1M events; 126 MB measured at 128).
     */
    static long cacheKb(long maxHeap) {
        return Math.max(MIN_CACHE_KB, Math.min(MAX_CACHE_KB, maxHeap / 16 / 1024));
    }

    /** An H2 pool on the file at {@code base} (without ".mv.db"), checked by one connection. */
    static JdbcConnectionPool connect(Path base, EncryptedFiles encrypted) {
        return connect(base, encrypted, cacheKb(Runtime.getRuntime().maxMemory()));
    }

    /**
     * An H2 pool on the file at {@code base}, its page cache {@code cacheKb} KB, checked by one connection. The cache
     * size is set once, by that connection, and not in the URL: H2 runs each setting of the URL again for every new
     * connection, and {@code SET CACHE_SIZE} empties the page cache (2.3.232, FileStore.setCacheSize), so each
     * connection the pool added (a background count beside a page query) dropped every page read so far. H2 also
     * keeps the setting in the file (a later opening under another heap sets its own).
     */
    static JdbcConnectionPool connect(Path base, EncryptedFiles encrypted, long cacheKb) {
        // no COMPRESS: the raw resources are compressed in blocks already, and page compression then costs more
        // ingest time than the bytes it saves (measured).
        // MAX_COMPACT_TIME=0: no compaction when the file closes.
        // H2 2.3.232 moves chunks in that compaction after its last commit (h2database#4247, fixed in 2.4.240 by
        // "postpone last commit() call on closure until after compaction"): a reopened file can lose recent rows
        // or come back at an old state (a cache reopened at schema version 4 after an interrupted import, seen
        // once here, was probably that). The file is made small by SHUTDOWN COMPACT instead (closeTidily, custos
        // compact), which writes a new file and does not take that path.
        // DB_CLOSE_ON_EXIT=FALSE: Custos closes the cache itself; H2's own shutdown hook would close it under a
        // sync or import that a Ctrl+C asked to stop after its current batch (a killed process loses at most the
        // last second of commits either way, and every batch is one transaction)
        // An encrypted cache: every file H2 opens goes through the cache's own scheme (EncryptedFiles); no trace
        // file (H2 writes it in plain text beside the cache, and an error's text can quote what was stored).
        // Not covered: a query result larger than H2's MAX_MEMORY_ROWS (40,000 per GB of heap) is spilled to a
        // temporary file in java.io.tmpdir, outside the scheme, in plain text, deleted after the query. Raising the
        // limit was measured to slow the first browser pages (×1.44–1.60 against ×1.24–1.29) and would have H2 size
        // an index rebuild's buffer by it (an upgrade's new index): left as it is, and said in the README.
        String url = "jdbc:h2:" + (encrypted == null ? "file:" + base : encrypted.pathOf(base.toString()))
                + ";MAX_COMPACT_TIME=0;DB_CLOSE_ON_EXIT=FALSE"
                + (encrypted == null ? "" : ";TRACE_LEVEL_FILE=0");
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "custos", "");
        pool.setMaxConnections(8);
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET CACHE_SIZE " + cacheKb);
        } catch (SQLException e) {
            pool.dispose();
            throw translateOpenError(base, e, encrypted != null);
        }
        return pool;
    }

    /**
     * Writes what the opening changed, now, as part of the opening. H2 changes its file at every opening (a new chunk,
     * even when nothing else is written), and its background writer stored that about half a second later (its
     * WRITE_DELAY), often in the middle of the browser's first pages, which took longer then (README, issue 14: about
     * 50 ms in most benchmark passes it fell in). A CHECKPOINT here takes a millisecond or two. A failure is thrown:
     * H2 closes its store when a write fails, so the cache could not be used anyway.
     */
    static void storeOpeningChanges(JdbcConnectionPool pool) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new CacheException(e.getMessage(), e);
        }
    }

    /** Closes the database for good (every connection, whoever holds it) and writes everything to the file. */
    static void shutdown(JdbcConnectionPool pool) {
        if (pool == null) {
            return;
        }
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            quietClose(st);
            st.execute("SHUTDOWN");
        } catch (SQLException | IllegalStateException e) {
            // closed already (a disposed pool says so with an IllegalStateException)
        } finally {
            pool.dispose();
        }
    }

    /**
     * Closing the connections a SHUTDOWN closed is an error to H2, which it wrote to a trace file beside the cache
     * at every upgrade and compaction: not from here until the database closes (the setting is not kept in the file).
     */
    static void quietClose(Statement st) {
        try {
            st.execute("SET TRACE_LEVEL_FILE 0");
        } catch (SQLException e) {
            // then H2 may write its trace file; the shutdown goes on
        }
    }

    private static CacheException translateOpenError(Path base, SQLException e, boolean encrypted) {
        // 90049: encryption error (wrong key); 90030 / 90048: corrupt or not an H2 file of this kind (a plain file
        // opened with a key, or an encrypted one without); 28000: wrong user name or password (the key)
        int code = e.getErrorCode();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EncryptedChannel.WrongKeyException) {
                code = 90049;
            }
        }
        if (code == 90049 || code == 28000 || (code == 90030 || code == 90048)) {
            return new CacheKeyException(encrypted
                    ? "The cache " + base + ".mv.db cannot be opened with the key Custos has for it: it was encrypted "
                    + "with another key (lost with a keyring that was reset, say), or it is not encrypted. Without "
                    + "its key it cannot be read; a new cache can be synced again from the servers."
                    : "The cache " + base + ".mv.db is encrypted (or damaged): it needs its key.", e);
        }
        // 90020: database in use by another process (file lock)
        if (e.getErrorCode() == 90020 || String.valueOf(e.getMessage()).contains("90020")) {
            return new CacheLockedException("The cache " + base + ".mv.db is in use by another Custos process. "
                    + "Close the other window or command, or choose another cache with --db PATH.", e);
        }
        return new CacheException("Cannot open the cache " + base + ".mv.db: " + e.getMessage(), e);
    }
}
