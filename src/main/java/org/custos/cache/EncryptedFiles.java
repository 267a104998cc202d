package org.custos.cache;

import org.h2.store.fs.FilePath;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * H2's view of the files of one encrypted cache: a file-system scheme of its own ({@code custos-<random>:}),
 * registered with H2 while the cache is open and holding the key in memory, so the key is never part of a file name
 * or URL (which H2 puts into its error messages). Every file H2 opens under it — the cache, the temporary file of
 * {@code SHUTDOWN COMPACT} (tested), any temporary file H2 makes beside the cache — is an {@link EncryptedChannel}.
 */
final class EncryptedFiles extends FilePath {
    private final Scheme scheme;
    private final FilePath base;

    /** What every path of one registration shares; {@code key} is emptied when the cache closes. */
    private record Scheme(String name, java.util.concurrent.atomic.AtomicReference<SecretKey> key, String keyId,
                          SecureRandom random, AtomicLong damaged) {
    }

    private EncryptedFiles(Scheme scheme, String name, FilePath base) {
        this.scheme = scheme;
        this.name = name;
        this.base = base;
    }

    /**
     * Registers a new scheme for {@code key}. {@link #close()} forgets the key but leaves the scheme registered:
     * a connection still open after the cache closed then fails to open a file, where an unregistered scheme would
     * have H2 write a plain file under a strange name in the working folder.
     */
    static EncryptedFiles register(CacheKey key) {
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[8];
        random.nextBytes(id);
        Scheme s = new Scheme("custos-" + HexFormat.of().formatHex(id),
                new java.util.concurrent.atomic.AtomicReference<>(key.secretKey()), key.id(), random,
                new AtomicLong());
        EncryptedFiles root = new EncryptedFiles(s, s.name() + ":", null);
        FilePath.register(root);
        return root;
    }

    /** The H2 path of {@code path} (a plain absolute file name) under this scheme. */
    String pathOf(String path) {
        return scheme.name() + ":" + path;
    }

    /** Blocks that failed their check since this registration (read as zeros; H2 then judges). */
    long damagedBlocks() {
        return scheme.damaged().get();
    }

    void close() {
        scheme.key().set(null);
    }

    @Override
    public String getScheme() {
        return scheme.name();
    }

    @Override
    public FilePath getPath(String path) {
        String prefix = scheme.name() + ":";
        if (!path.startsWith(prefix)) {
            throw new IllegalArgumentException("not a path of " + prefix);
        }
        return new EncryptedFiles(scheme, path, FilePath.get(path.substring(prefix.length())));
    }

    private FilePath wrap(FilePath p) {
        return p == null ? null : getPath(scheme.name() + ":" + p.name);
    }

    @Override
    public FilePath unwrap() {
        return base;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        SecretKey key = scheme.key().get();
        if (key == null) {
            throw new IOException(name + ": the encrypted cache was closed; its files are not opened again.");
        }
        return new EncryptedChannel(base.open(mode), key, scheme.keyId(), name, scheme.random(),
                scheme.damaged());
    }

    @Override
    public long size() {
        return EncryptedChannel.logicalSize(base.size());
    }

    @Override
    public void moveTo(FilePath newName, boolean atomicReplace) {
        base.moveTo(((EncryptedFiles) newName).base, atomicReplace);
    }

    @Override
    public boolean createFile() {
        return base.createFile();
    }

    @Override
    public boolean exists() {
        return base.exists();
    }

    @Override
    public void delete() {
        base.delete();
    }

    @Override
    public List<FilePath> newDirectoryStream() {
        return base.newDirectoryStream().stream().map(this::wrap).toList();
    }

    @Override
    public FilePath toRealPath() {
        return wrap(base.toRealPath());
    }

    @Override
    public FilePath getParent() {
        return wrap(base.getParent());
    }

    @Override
    public boolean isDirectory() {
        return base.isDirectory();
    }

    @Override
    public boolean isRegularFile() {
        return base.isRegularFile();
    }

    @Override
    public boolean isAbsolute() {
        return base.isAbsolute();
    }

    @Override
    public long lastModified() {
        return base.lastModified();
    }

    @Override
    public boolean canWrite() {
        return base.canWrite();
    }

    @Override
    public void createDirectory() {
        base.createDirectory();
    }

    @Override
    public boolean setReadOnly() {
        return base.setReadOnly();
    }
}
