package org.custos.cache;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;

/**
 * Creates, upgrades and restores the cache file so that a kill -9 or a power loss at any moment leaves a cache that
 * opens: with its old schema and all its data, or with the new one. H2 commits every DDL statement on its own, so a
 * migration is not atomic; instead:
 * <ul>
 * <li>a new cache is created and migrated as {@code NAME.creating.mv.db}, closed, synced and renamed into place
 * (a leftover of a killed creation is deleted at the next open);</li>
 * <li>before an existing cache is upgraded it is closed and copied to {@code NAME.mv.db.before-vN} (synced), and a
 * marker {@code NAME.upgrading} names that copy while the migration runs; the copy is renamed back over the cache
 * when the migration fails, or at the next open when the marker is still there (a crash), and deleted after a
 * successful upgrade (a million-event cache is gigabytes: one copy is kept only while it is needed);</li>
 * <li>a cache from a newer Custos (its schema is ahead) is left untouched.</li>
 * </ul>
 * All of it runs under an OS lock on {@code NAME.open.lock}, so two processes never upgrade or copy the same cache at
 * once. Folders this creates are readable only by the user (0700 on POSIX), the cache file and its copy 0600.
 */
final class CacheFiles {
    /** An open pool on the current cache, and what the user should be told about opening it (or null). */
    record Opened(JdbcConnectionPool pool, String notice) {
    }

    static final String INTERRUPTED = "The last upgrade of the cache was interrupted; the cache was restored from the "
            + "copy made before it and upgraded again. No data was lost.";

    private final Path dir;
    private final String name;
    private final Path db;
    private final Path marker;
    private final int schemaVersion;
    private final List<String> migrations;
    private final Function<Path, JdbcConnectionPool> connect;

    private CacheFiles(Path base, int schemaVersion, List<String> migrations,
                       Function<Path, JdbcConnectionPool> connect) {
        this.dir = base.getParent();
        this.name = base.getFileName().toString();
        this.db = dir.resolve(name + ".mv.db");
        this.marker = dir.resolve(name + ".upgrading");
        this.schemaVersion = schemaVersion;
        this.migrations = migrations;
        this.connect = connect;
    }

    /**
     * Opens the cache at {@code base} (no ".mv.db"), creating, restoring or upgrading it as needed. {@code connect}
     * opens H2 at a base path (throwing a {@link CacheException} it has worded).
     */
    static Opened open(Path base, int schemaVersion, List<String> migrations,
                       Function<Path, JdbcConnectionPool> connect) {
        return new CacheFiles(base, schemaVersion, migrations, connect).open();
    }

    private Opened open() {
        try {
            if (Files.notExists(dir)) {
                Files.createDirectories(dir, privateDir());
            }
        } catch (IOException e) {
            throw new CacheException("Cannot create the cache folder " + dir + ": " + e.getMessage(), e);
        }
        Path lockFile = dir.resolve(name + ".open.lock");
        try (FileChannel ch = openLockFile(lockFile); FileLock lock = tryLock(ch)) {
            if (lock == null) {
                throw new CacheLockedException("The cache " + db + " is being opened or upgraded by another Custos "
                        + "process. Wait for it, or choose another cache with --db PATH.", null);
            }
            return openLocked();
        } catch (IOException e) {
            throw new CacheException("Cannot open the cache " + db + ": " + e.getMessage(), e);
        }
    }

    private Opened openLocked() throws IOException {
        deleteLeftovers();
        String notice = null;
        if (Files.exists(marker)) {
            restoreAfterCrash();
            notice = INTERRUPTED;
        }
        if (!Files.exists(db)) {
            create();
            return new Opened(connect.apply(base()), notice);
        }
        JdbcConnectionPool pool = connect.apply(base());
        Schema s = Schema.of(pool);
        if (s.version == schemaVersion && s.failed == 0) {
            return new Opened(pool, notice);
        }
        CachePool.shutdown(pool);
        if (s.version > schemaVersion) {
            throw new CacheException("The cache " + db + " was made by a newer version of Custos (its schema is "
                    + "version " + s.version + ", this Custos knows up to " + schemaVersion + "). It was left "
                    + "unchanged: use the newer Custos, or choose another cache with --db PATH.", null);
        }
        if (s.failed > 0) {
            if (s.version == 0) {
                // an older Custos was stopped while creating it: no migration succeeded, so it never held data
                Files.delete(db);
                create();
                return new Opened(connect.apply(base()), "The cache had been left half-created by an earlier Custos "
                        + "that was stopped; it held no data and was created again.");
            }
            throw new CacheException("The cache " + db + " was left half-upgraded by an earlier version of Custos "
                    + "that was stopped during the upgrade, and no copy from before the upgrade exists. Custos "
                    + "cannot use it: move it away and import or sync your data again, or choose another cache "
                    + "with --db PATH.", null);
        }
        JdbcConnectionPool upgradedPool = upgrade(s.version);
        String upgraded = s.version == 0 ? null // an empty file (an older Custos stopped before its first migration)
                : "The cache was upgraded from schema version " + s.version + " to " + schemaVersion + ".";
        return new Opened(upgradedPool, notice == null ? upgraded : notice);
    }

    private Path base() {
        return dir.resolve(name);
    }

    /**
     * What a killed creation, copy or marker write left behind; and a copy without its marker: the process was
     * killed after the upgrade had succeeded (the marker goes first), so that copy is of no more use.
     */
    private void deleteLeftovers() throws IOException {
        // -converting.mv.db: the copy of a conversion or compaction that a killed process left (under this lock no
        // conversion runs: they take it too)
        for (String leftover : List.of(".creating.mv.db", ".creating.trace.db", ".upgrading.tmp",
                "-converting.mv.db")) {
            Files.deleteIfExists(dir.resolve(name + leftover));
        }
        boolean upgrading = Files.exists(marker);
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(name + ".mv.db.before-v") && (n.endsWith(".tmp") || !upgrading)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The marker is there: the upgrade it names did not end. Its copy goes back in place of the cache. */
    private void restoreAfterCrash() throws IOException {
        String copy = Files.readString(marker, StandardCharsets.UTF_8).trim();
        Path backup = dir.resolve(copy);
        if (!copy.startsWith(name + ".mv.db.before-v") || !backup.getParent().equals(dir)) {
            throw new CacheException("The upgrade marker " + marker + " names no copy of the cache (" + copy + "). "
                    + "Move the cache away or choose another one with --db PATH.", null);
        }
        // the marker is written only once the copy is complete and synced; a marker without its copy means the copy
        // was renamed back already, just before a crash
        if (Files.exists(backup)) {
            Files.move(backup, db, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDir();
        }
        Files.delete(marker);
        syncDir();
    }

    /** A new cache: built under a temporary name, closed, synced, then renamed into place. */
    private void create() throws IOException {
        Path tmpBase = dir.resolve(name + ".creating");
        Path tmp = dir.resolve(name + ".creating.mv.db");
        Files.createFile(tmp, privateFile()); // H2 takes an empty file as a new database and keeps its permissions
        JdbcConnectionPool pool = connect.apply(tmpBase);
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            CachePool.shutdown(pool);
            Files.deleteIfExists(tmp);
            throw new CacheException("A new cache could not be created at " + db + ": " + e.getMessage(), e);
        }
        CachePool.shutdown(pool);
        fsync(tmp);
        Files.move(tmp, db, StandardCopyOption.ATOMIC_MOVE);
        syncDir();
        Files.deleteIfExists(dir.resolve(name + ".creating.trace.db")); // Flyway's probing for its table, if any
    }

    /**
     * Copy, marker, migrate, close, open again; the copy is renamed back when the migration fails or the upgraded file
     * does not open at the new schema. Returns the upgraded cache's pool.
     */
    private JdbcConnectionPool upgrade(int from) throws IOException {
        Path backup = dir.resolve(name + ".mv.db.before-v" + schemaVersion);
        Path tmp = dir.resolve(backup.getFileName() + ".tmp");
        long size = Files.size(db);
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < size + size / 10 + (64L << 20)) { // the copy, and room for the migration to grow the file
            throw new CacheException(String.format("The cache %s must be upgraded for this version of Custos, and a "
                    + "copy is made first: that needs %,d MB free in %s, and there are %,d MB. Free some space and "
                    + "start again; the cache was not changed.", db, (size + size / 10 + (64L << 20)) >> 20, dir,
                    free >> 20), null);
        }
        try (FileChannel in = FileChannel.open(db, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.WRITE), privateFile())) {
            for (long done = 0; done < size; ) {
                done += in.transferTo(done, size - done, out);
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new CacheException("The copy of the cache " + db + " made before upgrading it failed: "
                    + e.getMessage() + ". The cache was not changed.", e);
        }
        Files.move(tmp, backup, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDir();
        Path markerTmp = dir.resolve(name + ".upgrading.tmp");
        try (FileChannel out = FileChannel.open(markerTmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), privateFile())) {
            out.write(StandardCharsets.UTF_8.encode(backup.getFileName().toString()));
            out.force(true);
        }
        Files.move(markerTmp, marker, StandardCopyOption.ATOMIC_MOVE);
        syncDir();

        JdbcConnectionPool pool = connect.apply(base());
        JdbcConnectionPool reopened = null;
        try {
            migrate(pool);
            CachePool.shutdown(pool);
            pool = null;
            fsync(db);
            // the copy is deleted only once the upgraded file has opened again at the new schema
            reopened = connect.apply(base());
            Schema after = Schema.of(reopened);
            if (after.version != schemaVersion || after.failed > 0) {
                throw new IllegalStateException("the upgraded cache opened again at schema version " + after.version
                        + (after.failed > 0 ? ", with a failed migration" : ""));
            }
        } catch (RuntimeException e) {
            CachePool.shutdown(reopened != null ? reopened : pool);
            Files.move(backup, db, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDir();
            Files.delete(marker);
            syncDir();
            throw new CacheException("The upgrade of the cache " + db + " from schema version " + from + " to "
                    + schemaVersion + " failed, and the cache was restored from the copy made before the upgrade: it "
                    + "is as it was, with all its data, but this Custos cannot use it until the upgrade succeeds. "
                    + "The error: " + firstLine(e), e);
        }
        try {
            Files.delete(marker);
            syncDir();
        } catch (IOException e) {
            CachePool.shutdown(reopened); // the next opening puts the copy back: nothing may hold this file open
            throw e;
        }
        try {
            Files.delete(backup);
        } catch (IOException e) {
            // a copy without its marker is deleted by the next opening
        }
        return reopened;
    }

    /** Flyway's messages run over many lines, and some end in advice ("run repair") that is not for our users. */
    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage()).strip().lines().findFirst().orElse("");
        return m.toLowerCase(java.util.Locale.ROOT).contains("repair") ? e.getClass().getSimpleName() : m;
    }

    private void migrate(JdbcConnectionPool pool) {
        Flyway.configure().dataSource(pool).locations(migrations.toArray(String[]::new)).load().migrate();
    }

    /** The applied schema: the newest successful migration (0 for none) and how many failed. */
    private record Schema(int version, int failed) {
        static Schema of(JdbcConnectionPool pool) {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT MAX(CASE WHEN \"success\" THEN CAST(\"version\" AS INT) END), "
                         + "COUNT(CASE WHEN NOT \"success\" THEN 1 END) FROM \"flyway_schema_history\" "
                         + "WHERE \"version\" IS NOT NULL")) {
                rs.next();
                return new Schema(rs.getInt(1), rs.getInt(2));
            } catch (SQLException e) {
                return new Schema(0, 0); // no history table: nothing migrated yet
            }
        }
    }

    private static FileChannel openLockFile(Path lockFile) throws IOException {
        try {
            return FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), privateFile());
        } catch (FileAlreadyExistsException e) {
            return FileChannel.open(lockFile, StandardOpenOption.WRITE);
        }
    }

    /**
     * Runs {@code work} on the closed cache whose H2 file is {@code h2} under the lock its openings take, so that no
     * other Custos process opens it meanwhile (it is told the cache is being opened by another process).
     *
     * @throws CacheLockedException another process is opening it
     */
    static void whileNotOpened(Path h2, Runnable work) {
        String file = h2.getFileName().toString();
        Path lockFile = h2.resolveSibling(file.substring(0, file.length() - ".mv.db".length()) + ".open.lock");
        try (FileChannel ch = openLockFile(lockFile); FileLock lock = tryLock(ch)) {
            if (lock == null) {
                throw new CacheLockedException("The cache " + h2 + " is being opened by another Custos process.",
                        null);
            }
            work.run();
        } catch (IOException e) {
            throw new CacheException("Cannot lock the cache " + h2 + ": " + e.getMessage(), e);
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this process opens the same cache on another thread
        }
    }

    static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes renames and deletes in the folder durable (POSIX; not possible, and not needed, on Windows). */
    private void syncDir() {
        syncDir(dir);
    }

    /** {@link #syncDir()} of {@code dir}. */
    static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a folder as a channel
        }
    }

    private static boolean posix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?>[] privateDir() {
        return posix() ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0];
    }

    private static FileAttribute<?>[] privateFile() {
        return posix() ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0];
    }

    /**
     * Makes {@code file} readable by this user only again (0600 on POSIX): H2's SHUTDOWN COMPACT writes a new file
     * with the default rights and moves it over the cache.
     */
    static void keepPrivate(Path file) {
        if (posix() && Files.exists(file)) {
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (java.io.IOException e) {
                // the folder (0700) still keeps others out when Custos made it
            }
        }
    }

    /** Creates {@code file}, readable by this user only (0600 on POSIX). */
    static void createPrivate(Path file) throws IOException {
        Files.createFile(file, privateFile());
    }
}
