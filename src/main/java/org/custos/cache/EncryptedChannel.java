package org.custos.cache;

import org.h2.store.fs.FileBaseDefault;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file of an encrypted cache as H2 sees it: every 1 KiB block sealed on its own with AES-256 in an authenticated
 * mode — OCB3 ({@link Ocb}, every file made since 2026-12-04 evening) or the JDK's GCM (files made before; read and
 * written as before, until a compaction writes the cache anew) —, both on the processor's AES instructions (H2's own
 * {@code CIPHER=AES} runs a table-based AES in Java and cost ×3.4 on the first browser pages), a fresh random 96-bit
 * nonce per write, the block's number as associated data (a block moved elsewhere in the file fails its check). 1 KiB rather than 4: H2 reads a page at a time, 1.5 KB on
 * average, and each read opens every block it touches (measured on the first browser pages of a reopened cache:
 * ×1.1–1.25 against the plain file with 1 KiB blocks, ×1.2–1.7 with 4 KiB), for 2.7 % more file.
 * <p>
 * Layout: a 4 KiB header ({@link EncryptedHeader}), then one slot per block: nonce (12) · ciphertext (1024) · tag (16). The file's size as H2 sees it is whole
 * blocks; H2's MVStore writes whole 4 KiB blocks, and a write that is not is completed from what the block held.
 * <p>
 * A slot of zeros (never written: a gap H2 left) reads as zeros. A slot whose tag does not match (a write torn by
 * a power cut, or a file changed outside Custos) is counted and fails the read with an {@link IOException} naming
 * the block: H2 then passes over a chunk it was only looking for (a torn last chunk, as on a plain file) and reports
 * anything else as an error — nothing changed is ever read as data, except a slot overwritten whole with zeros, which
 * reads as a gap H2 left (a slot with only its nonce and tag zeroed fails). Only in H2's two store headers (the first 8 KiB,
 * each with its own checksum, one of them enough) does such a block read as zeros, so a torn header leaves the other.
 * <p>
 * Reads are not held back by writes: a read of a block while it is being written could see a torn slot and fail.
 * H2's MVStore never does that (it writes new chunks, 4 KiB-aligned, into free space and reads committed ones).
 */
final class EncryptedChannel extends FileBaseDefault {
    static final int BLOCK = 1024;
    static final int NONCE = 12;
    static final int TAG = 16;
    static final int SLOT = NONCE + BLOCK + TAG;
    static final int HEADER = EncryptedHeader.LENGTH;

    private final FileChannel base;
    private final SecretKey key;
    private final String keyId;
    private final String name;
    private final SecureRandom random;
    private final AtomicLong damaged;
    private volatile long size;
    /** How the blocks are sealed: from the header, or, for a new file, what it is given. */
    private final EncryptedHeader.Format format;
    /** Each reading thread's ciphers and buffers. */
    private final ThreadLocal<ChannelScratch> scratch;

    /**
     * @param damaged counts blocks that failed their check (shared by the cache's files)
     * @throws WrongKeyException the file is an encrypted cache under another key, or not an encrypted cache
     */
    EncryptedChannel(FileChannel base, SecretKey key, String keyId, String name, SecureRandom random,
                     AtomicLong damaged) throws IOException {
        this(base, key, keyId, name, random, damaged, EncryptedHeader.Format.OCB);
    }

    /** @param forNewFile how to seal the blocks when the file is new (tests make older files with it) */
    EncryptedChannel(FileChannel base, SecretKey key, String keyId, String name, SecureRandom random,
                     AtomicLong damaged, EncryptedHeader.Format forNewFile) throws IOException {
        this.base = base;
        this.key = key;
        this.keyId = keyId;
        this.name = name;
        this.random = random;
        this.damaged = damaged;
        this.scratch = ThreadLocal.withInitial(() -> new ChannelScratch(key));
        long physical = base.size();
        if (physical > 0) {
            format = EncryptedHeader.check(base, key, name);
            size = Math.max(0, (physical - HEADER) / SLOT) * BLOCK;
        } else {
            format = forNewFile;
        }
    }

    /** How this file's blocks are sealed. */
    EncryptedHeader.Format format() {
        return format;
    }

    /** The H2 file size of an encrypted file {@code physical} bytes long. */
    static long logicalSize(long physical) {
        return physical <= HEADER ? 0 : (physical - HEADER) / SLOT * BLOCK;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        int len = dst.remaining();
        if (len == 0) {
            return 0;
        }
        if (position < 0) {
            throw new IllegalArgumentException("position " + position);
        }
        long size = this.size;
        if (position >= size) {
            return -1;
        }
        len = (int) Math.min(len, size - position);
        long first = position / BLOCK;
        int blocks = (int) ((position + len - 1) / BLOCK - first + 1);
        byte[] plain = readBlocks(scratch.get(), first, blocks);
        try {
            dst.put(plain, (int) (position - first * BLOCK), len);
        } finally {
            Arrays.fill(plain, 0, blocks * BLOCK, (byte) 0); // no cache content left behind in the thread's buffer
        }
        return len;
    }

    /**
     * {@code count} blocks from {@code first}, opened (blocks past the end of the file read as zeros), in the
     * thread's buffer: copy out before the next read. A read that fails leaves nothing opened there. No block is kept
     * opened between reads: pages share blocks, but a cache of opened blocks cost more than it saved (measured by
     * replaying a pass's reads, see the README), and every read now checks the file as it is.
     */
    private byte[] readBlocks(ChannelScratch s, long first, int count) throws IOException {
        byte[] plain = s.plain(count);
        byte[] sealed = s.sealed(count);
        int got = readUpTo(base, HEADER + first * SLOT, ByteBuffer.wrap(sealed, 0, count * SLOT));
        Arrays.fill(sealed, got, count * SLOT, (byte) 0); // past the end of the file: zeros
        try {
            for (int j = 0; j < count; j++) {
                open(s, first + j, sealed, j * SLOT, plain, j * BLOCK);
            }
        } catch (GeneralSecurityException e) {
            Arrays.fill(plain, 0, count * BLOCK, (byte) 0);
            throw new IOException("AES failed: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            Arrays.fill(plain, 0, count * BLOCK, (byte) 0); // the blocks opened before the one that failed
            throw e;
        }
        return plain;
    }

    /** H2's two store headers, 4 KiB each, at the start of the file. */
    private static final long STORE_HEADERS = 8192;

    private void open(ChannelScratch s, long block, byte[] sealed, int from, byte[] plain, int to)
            throws GeneralSecurityException, IOException {
        if (allZero(sealed, from, NONCE) && allZero(sealed, from + NONCE + BLOCK, TAG)
                && allZero(sealed, from + NONCE, BLOCK)) {
            // never written (a written slot has a random nonce); a slot with only its nonce and tag zeroed fails below
            Arrays.fill(plain, to, to + BLOCK, (byte) 0);
            return;
        }
        if (!opened(s, block, sealed, from, plain, to)) {
            damaged.incrementAndGet();
            Arrays.fill(plain, to, to + BLOCK, (byte) 0);
            if (block * BLOCK >= STORE_HEADERS) {
                throw new DamagedBlockException(name + ": block " + block + " of the encrypted cache failed its "
                        + "integrity check (changed outside Custos, or damaged).");
            }
        }
    }

    /** Opens one block into {@code plain}; false (the block zeroed there) when its tag does not match. */
    private boolean opened(ChannelScratch s, long block, byte[] sealed, int from, byte[] plain, int to)
            throws GeneralSecurityException {
        if (format == EncryptedHeader.Format.OCB) {
            return s.ocb().open(sealed, from, s.aad(block), 0, 8, sealed, from + NONCE, BLOCK + TAG, plain, to);
        }
        Cipher c = s.gcm();
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, sealed, from, NONCE));
        c.updateAAD(s.aad(block));
        try {
            c.doFinal(sealed, from + NONCE, BLOCK + TAG, plain, to);
            return true;
        } catch (AEADBadTagException e) {
            Arrays.fill(plain, to, to + BLOCK, (byte) 0);
            return false;
        }
    }

    /** A block whose tag does not match: changed outside Custos, or damaged. */
    static final class DamagedBlockException extends IOException {
        DamagedBlockException(String message) {
            super(message);
        }
    }

    @Override
    public synchronized int write(ByteBuffer src, long position) throws IOException {
        int len = src.remaining();
        if (len == 0) {
            return 0;
        }
        if (position < 0) {
            throw new IllegalArgumentException("position " + position);
        }
        if (base.size() == 0) {
            EncryptedHeader.write(base, key, keyId, random, format);
        }
        long first = position / BLOCK;
        long end = position + len;
        int blocks = (int) ((end - 1) / BLOCK - first + 1);
        byte[] plain = new byte[blocks * BLOCK];
        int offset = (int) (position - first * BLOCK);
        ChannelScratch s = scratch.get();
        if (offset != 0 && first * BLOCK < size) {
            byte[] held = readBlocks(s, first, 1);
            System.arraycopy(held, 0, plain, 0, BLOCK);
            Arrays.fill(held, 0, BLOCK, (byte) 0);
        }
        long lastBlock = first + blocks - 1;
        if (end % BLOCK != 0 && lastBlock * BLOCK < size && (lastBlock != first || offset == 0)) {
            byte[] held = readBlocks(s, lastBlock, 1);
            System.arraycopy(held, 0, plain, (blocks - 1) * BLOCK, BLOCK);
            Arrays.fill(held, 0, BLOCK, (byte) 0);
        }
        src.get(plain, offset, len);
        byte[] sealed = new byte[blocks * SLOT];
        try {
            seal(s, first, blocks, plain, sealed);
            writeFully(base, HEADER + first * SLOT, ByteBuffer.wrap(sealed));
        } finally {
            Arrays.fill(plain, (byte) 0); // no cache content left behind in memory
        }
        size = Math.max(size, (lastBlock + 1) * BLOCK);
        return len;
    }

    private void seal(ChannelScratch s, long first, int blocks, byte[] plain, byte[] sealed) throws IOException {
        try {
            byte[] nonce = new byte[NONCE];
            for (int i = 0; i < blocks; i++) {
                random.nextBytes(nonce);
                System.arraycopy(nonce, 0, sealed, i * SLOT, NONCE);
                if (format == EncryptedHeader.Format.OCB) {
                    s.ocb().seal(nonce, 0, s.aad(first + i), 0, 8, plain, i * BLOCK, BLOCK, sealed,
                            i * SLOT + NONCE);
                } else {
                    Cipher c = s.gcm();
                    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
                    c.updateAAD(s.aad(first + i));
                    c.doFinal(plain, i * BLOCK, BLOCK, sealed, i * SLOT + NONCE);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("AES is not available: " + e.getMessage(), e);
        }
    }

    private static boolean allZero(byte[] b, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    protected synchronized void implTruncate(long newSize) throws IOException {
        if (newSize < 0) {
            throw new IllegalArgumentException("size " + newSize);
        }
        if (newSize >= size) {
            return;
        }
        long blocks = (newSize + BLOCK - 1) / BLOCK;
        base.truncate(blocks == 0 ? Math.min(base.size(), HEADER) : HEADER + blocks * SLOT);
        size = blocks * BLOCK;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        base.force(metaData);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return base.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        // this thread's buffers go now; another thread's stay reachable from that thread (zeroed after each read)
        // until Java clears the entry of this channel's collected ThreadLocal
        scratch.remove();
        base.close();
    }

    @Override
    public String toString() {
        return name;
    }

    static void readFully(FileChannel file, long pos, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = file.read(dst, pos);
            if (n < 0) {
                throw new EOFException();
            }
            pos += n;
        }
    }

    /**
     * Reads into {@code dst} from {@code pos} until it is full or the file ends (no size asked first); returns the
     * bytes read.
     */
    private static int readUpTo(FileChannel file, long pos, ByteBuffer dst) throws IOException {
        int got = 0;
        while (dst.hasRemaining()) {
            int n = file.read(dst, pos);
            if (n < 0) {
                break;
            }
            pos += n;
            got += n;
        }
        return got;
    }

    static void writeFully(FileChannel file, long pos, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            pos += file.write(src, pos);
        }
    }

    /** The file is not an encrypted cache under this key. */
    static final class WrongKeyException extends IOException {
        WrongKeyException(String message) {
            super(message);
        }
    }
}
