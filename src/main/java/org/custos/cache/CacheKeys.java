package org.custos.cache;

import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cache's key in the operating system's keyring: opening a cache that is encrypted, encrypting a plain one (a new
 * random key, kept in the keyring before the file changes), decrypting one, and setting aside one whose key is lost.
 * The keyring entry is named after the key's id, which the encrypted file carries in plain text (a cache moved to
 * another folder still finds its key).
 */
public final class CacheKeys {
    /** Where keys are kept: the operating system's keyring. */
    public interface Keyring {
        Optional<String> get(String name);

        /** Keeps {@code secret} under {@code name}; null removes it. */
        void put(String name, String secret);

        /** Whether this is the operating system's keyring (a cache key is kept nowhere else). */
        boolean available();
    }

    private final Keyring keyring;

    public CacheKeys(Keyring keyring) {
        this.keyring = keyring;
    }

    /** The keyring entry of the key with this id. */
    public static String entry(String keyId) {
        return "cache-key-" + keyId;
    }

    /** The H2 file of the cache {@code file} (".mv.db" added when missing). */
    static Path h2File(Path file) {
        Path base = Cache.stripH2Suffix(file.toAbsolutePath());
        return base.resolveSibling(base.getFileName() + ".mv.db");
    }

    /** The id of the key the cache at {@code file} is encrypted with; empty: not encrypted, or no such file yet. */
    public static Optional<String> keyId(Path file) {
        Path h2 = h2File(file);
        if (!Files.isRegularFile(h2)) {
            return Optional.empty();
        }
        try {
            return EncryptedHeader.keyIdOf(h2);
        } catch (IOException e) {
            throw new CacheException("Cannot read the cache " + h2 + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the cache at {@code file}: a plain one as it is, an encrypted one with its key from the keyring.
     *
     * @throws LostKeyException it is encrypted and the keyring has no key for it
     * @throws CacheKeyException the keyring's key does not open it
     */
    public Cache open(Path file) {
        Optional<String> id = keyId(file);
        if (id.isEmpty()) {
            return Cache.open(file);
        }
        return Cache.open(file, key(file, id.get()));
    }

    /**
     * {@link #open(Path)}, compacting the cache first when its file holds far more than its content (see
     * {@link CacheCompaction}), and telling {@code compacting} so before it starts: the app's start.
     */
    public Cache openCompacting(Path file, java.util.function.Consumer<String> compacting) {
        Optional<String> id = keyId(file);
        return CacheCompaction.open(file, id.isEmpty() ? null : key(file, id.get()), compacting);
    }

    private CacheKey key(Path file, String id) {
        if (!keyring.available()) {
            throw new CacheKeyException("The cache " + h2File(file) + " is encrypted and its key is kept in the "
                    + "keyring, which cannot be reached now (is the desktop's keyring running and unlocked?). Nothing "
                    + "was changed: start Custos again once it is.", null);
        }
        Optional<String> text = keyring.get(entry(id));
        if (text.isEmpty()) {
            throw new LostKeyException("The cache " + h2File(file) + " is encrypted, and its key (id " + id + ") is "
                    + "not in this account's keyring: it was reset, or the cache comes from another account or "
                    + "machine. Without its key the cache cannot be read.");
        }
        try {
            return CacheKey.of(text.get());
        } catch (IllegalArgumentException e) {
            throw new LostKeyException("The keyring entry " + entry(id) + " does not hold a cache key.");
        }
    }

    /**
     * Encrypts the plain cache at {@code file} (closed; nobody else may have it open) with a new random key, kept in
     * the keyring first. The encrypted copy is written beside it, its tables counted against the original, and only
     * then put in its place. Nothing happens to a cache that is encrypted already.
     *
     * @return the new key's id, or empty when the cache was encrypted already
     */
    public Optional<String> encrypt(Path file) {
        if (keyId(file).isPresent()) {
            return Optional.empty();
        }
        if (!keyring.available()) {
            throw new CacheException("Encrypting the cache needs the system keyring (Secret Service, Keychain, "
                    + "Credential Manager) to keep its key, and none was found: the cache stays as it is.");
        }
        CacheKey key = CacheKey.random();
        try {
            keyring.put(entry(key.id()), key.text());
            if (!keyring.get(entry(key.id())).map(key.text()::equals).orElse(false)) {
                keyring.put(entry(key.id()), null);
                throw new CacheException("The keyring did not keep the new cache key: the cache stays as it is.");
            }
        } catch (RuntimeException e) {
            if (e instanceof CacheException c) {
                throw c;
            }
            throw new CacheException("The keyring refused the new cache key (" + e.getMessage() + "): the cache "
                    + "stays as it is.", e);
        }
        try {
            // under the lock openings take: a Custos that compacts this cache in place meanwhile closes its file
            CacheFiles.whileNotOpened(h2File(file), () -> convert(h2File(file), null, key));
        } catch (RuntimeException e) {
            keyring.put(entry(key.id()), null);
            throw e;
        }
        return Optional.of(key.id());
    }

    /**
     * Decrypts the encrypted cache at {@code file} (closed) with its key from the keyring; the key is then removed
     * from the keyring. Nothing happens to a plain cache.
     *
     * @return whether it was encrypted
     */
    public boolean decrypt(Path file) {
        Optional<String> id = keyId(file);
        if (id.isEmpty()) {
            return false;
        }
        CacheKey key = key(file, id.get());
        CacheFiles.whileNotOpened(h2File(file), () -> convert(h2File(file), key, null));
        try {
            keyring.put(entry(id.get()), null); // the plain file is in place for good (synced): the key can go
        } catch (RuntimeException e) {
            // a key left in the keyring opens nothing now
        }
        return true;
    }

    /**
     * Moves a cache that cannot be read (its key lost) aside, to "NAME-unreadable-TIME.mv.db" in its folder, so a
     * new cache can take its place; nothing is deleted (should the key turn up, the file opens again under its
     * first name). Returns where it went.
     */
    public static Path setAside(Path file, Clock clock) {
        Path h2 = h2File(file);
        String base = h2.getFileName().toString();
        base = base.substring(0, base.length() - ".mv.db".length());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant());
        Path aside = h2.resolveSibling(base + "-unreadable-" + stamp + ".mv.db");
        for (int i = 2; Files.exists(aside); i++) {
            aside = h2.resolveSibling(base + "-unreadable-" + stamp + "-" + i + ".mv.db");
        }
        try {
            Files.move(h2, aside);
        } catch (IOException e) {
            throw new CacheException("Cannot move the unreadable cache " + h2 + " aside: " + e.getMessage(), e);
        }
        return aside;
    }

    /**
     * Compacts the closed cache whose H2 file is {@code h2} (encrypted with {@code key}, or plain when null) the way a
     * conversion copies it: nothing changes unless the copy holds as many rows in every table.
     */
    static void compact(Path h2, CacheKey key) {
        convert(h2, key, key);
    }

    /**
     * Copies the H2 file {@code h2} (encrypted with {@code from}, or plain when null) to a file beside it encrypted
     * with {@code to} (or plain), checks every table has as many rows in the copy, then puts the copy in its place.
     * The source is held open (H2's file lock) until the copy has replaced it.
     */
    private static void convert(Path h2, CacheKey from, CacheKey to) {
        convert(h2, from, to, MVStoreTool::compact);
    }

    /** {@link #convert(Path, CacheKey, CacheKey)} with the copy made by {@code copier} (tests give a faulty one). */
    static void convert(Path h2, CacheKey from, CacheKey to, java.util.function.BiConsumer<MVStore, MVStore> copier) {
        Path tmp = h2.resolveSibling(h2.getFileName().toString().replace(".mv.db", "") + "-converting.mv.db");
        refuseDuringUpgrade(h2);
        EncryptedFiles source = from == null ? null : EncryptedFiles.register(from);
        EncryptedFiles target = to == null ? null : EncryptedFiles.register(to);
        try {
            Files.deleteIfExists(tmp);
            CacheFiles.createPrivate(tmp); // readable by this user only from the start (a decrypted copy is plain)
            Map<String, Long> before = counts(h2, source);
            String sourceName = source == null ? h2.toString() : source.pathOf(h2.toString());
            String targetName = target == null ? tmp.toString() : target.pathOf(tmp.toString());
            // read-only: its shared lock keeps writers out until the copy has replaced it
            MVStore in = new MVStore.Builder().fileName(sourceName).readOnly().open();
            boolean moved = false;
            try {
                MVStore out = new MVStore.Builder().fileName(targetName).open();
                try {
                    copier.accept(in, out);
                } finally {
                    out.close();
                }
                Map<String, Long> after = counts(tmp, target);
                if (!after.equals(before)) {
                    throw new CacheException("The converted cache does not hold the same rows and ledger (" + before
                            + " before, " + after + " after): the cache stays as it was.");
                }
                samePermissions(h2, tmp);
                CacheFiles.fsync(tmp);
                moved = replace(tmp, h2);
            } finally {
                in.closeImmediately();
            }
            if (!moved) {
                replace(tmp, h2); // a system that does not let an open file be replaced: now that it is closed
            }
            CacheFiles.syncDir(h2.getParent()); // the rename survives a power cut before the key changes
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the leftover is deleted by the next conversion
            }
            if (e instanceof CacheException c) {
                throw c;
            }
            throw new CacheException("Converting the cache " + h2 + " failed, it stays as it was: " + e.getMessage(),
                    e);
        } finally {
            if (source != null) {
                source.close();
            }
            if (target != null) {
                target.close();
            }
        }
    }

    /**
     * A compacted copy of the closed cache {@code from} (encrypted with {@code fromKey}; null: plain) written as the
     * new cache {@code to} (encrypted with {@code toKey}; null: plain), page for page as encrypting the cache writes
     * it. For the benchmark, which times the same cache plain and encrypted in the same state.
     */
    public static void copyCompacted(Path from, CacheKey fromKey, Path to, CacheKey toKey) {
        EncryptedFiles source = fromKey == null ? null : EncryptedFiles.register(fromKey);
        EncryptedFiles target = toKey == null ? null : EncryptedFiles.register(toKey);
        try {
            String in = h2File(from).toString();
            String out = h2File(to).toString();
            MVStore read = new MVStore.Builder().fileName(source == null ? in : source.pathOf(in)).readOnly().open();
            try {
                MVStore write = new MVStore.Builder().fileName(target == null ? out : target.pathOf(out)).open();
                try {
                    MVStoreTool.compact(read, write);
                } finally {
                    write.close();
                }
            } finally {
                read.closeImmediately();
            }
        } finally {
            if (source != null) {
                source.close();
            }
            if (target != null) {
                target.close();
            }
        }
    }

    /**
     * An upgrade that did not finish (its marker or its copy beside the cache) is finished by the next open, which
     * may put the copy back: converting now would leave that copy in the other form (and perhaps without its key).
     */
    private static void refuseDuringUpgrade(Path h2) {
        String name = h2.getFileName().toString();
        String base = name.substring(0, name.length() - ".mv.db".length());
        try (var files = Files.list(h2.getParent())) {
            if (files.map(p -> p.getFileName().toString()).anyMatch(n -> n.equals(base + ".upgrading")
                    || n.startsWith(name + ".before-v"))) {
                throw new CacheException("The cache " + h2 + " has an upgrade to finish: open it once (start Custos, "
                        + "or any custos command), then try again. Nothing was changed.");
            }
        } catch (IOException e) {
            throw new CacheException("Cannot read the folder of " + h2 + ": " + e.getMessage(), e);
        }
    }

    /** The copy gets the original's permissions (readable only by this user, as Custos made it). */
    private static void samePermissions(Path from, Path to) throws IOException {
        try {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own rights apply
        }
    }

    /** Moves {@code tmp} over {@code h2}; false when the system refused because {@code h2} is open. */
    private static boolean replace(Path tmp, Path h2) throws IOException {
        try {
            Files.move(tmp, h2, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            throw e;
        } catch (IOException e) {
            if (Files.exists(tmp) && System.getProperty("os.name", "").startsWith("Windows")) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Rows per table of the H2 file {@code h2} (plain, or under {@code files}), read without changing it, and the
     * ledger's newest entry (its number and the first 8 bytes of its link, which chains every entry before it).
     */
    static Map<String, Long> counts(Path h2, EncryptedFiles files) {
        String base = h2.toString().substring(0, h2.toString().length() - ".mv.db".length());
        String url = "jdbc:h2:" + (files == null ? "file:" + base : files.pathOf(base))
                + ";ACCESS_MODE_DATA=r;TRACE_LEVEL_FILE=0;MAX_COMPACT_TIME=0";
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, "custos", ""); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                    + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_TYPE = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM \"" + t.replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    counts.put(t, rs.getLong(1));
                }
            }
            if (tables.contains("LEDGER")) {
                Ledger.Head head = Ledger.head(c);
                counts.put("ledger: newest entry", head.seq());
                counts.put("ledger: its link", java.nio.ByteBuffer.wrap(head.link()).getLong());
            }
        } catch (SQLException e) {
            throw new CacheException("Cannot count the rows of " + h2 + ": " + e.getMessage(), e);
        }
        return counts;
    }

    /** The cache is encrypted and the keyring has no key for it (or something else under its name). */
    public static final class LostKeyException extends CacheKeyException {
        LostKeyException(String message) {
            super(message, null);
        }
    }
}
