package org.custos.cache;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Expected rows of one table: key → fingerprint, state bits, the ledger entry, the origin, and whether removed or
 * seen. Primitive arrays in key order (Custos gives keys in increasing order, so entries append; a key out of that
 * order, which only a hand outside Custos writes, goes to a small map): a million rows take ~40 MB, not ~400.
 */
final class ExpectedRows {
    long[] pks = new long[1024];
    long[] hi = new long[1024];
    long[] lo = new long[1024];
    byte[] state = new byte[1024];
    long[] entry = new long[1024];
    int[] origin = new int[1024];
    boolean[] removed = new boolean[1024];
    boolean[] seen = new boolean[1024];
    boolean[] stored = new boolean[1024];
    int n;
    private int sortedEnd;
    private final Map<Long, Integer> extra = new HashMap<>();

    /** The slot of a key, or -1. */
    int find(long pk) {
        int i = java.util.Arrays.binarySearch(pks, 0, sortedEnd, pk);
        if (i >= 0) {
            return i;
        }
        Integer x = extra.get(pk);
        return x == null ? -1 : x;
    }

    /** The slot of a key, made if new. */
    int slot(long pk) {
        int i = find(pk);
        if (i >= 0) {
            return i;
        }
        if (n == pks.length) {
            int size = n * 2;
            pks = Arrays.copyOf(pks, size);
            hi = Arrays.copyOf(hi, size);
            lo = Arrays.copyOf(lo, size);
            state = Arrays.copyOf(state, size);
            entry = Arrays.copyOf(entry, size);
            origin = Arrays.copyOf(origin, size);
            removed = Arrays.copyOf(removed, size);
            seen = Arrays.copyOf(seen, size);
            stored = Arrays.copyOf(stored, size);
        }
        pks[n] = pk;
        state[n] = -1;
        origin[n] = -1;
        if (sortedEnd == n && (n == 0 || pk > pks[n - 1])) {
            sortedEnd++;
        } else {
            extra.put(pk, n);
        }
        return n++;
    }

    boolean storedAndKept(long pk) {
        int i = find(pk);
        return i >= 0 && stored[i] && !removed[i];
    }

    byte[] leaf(int i) {
        return ByteBuffer.allocate(Leaf.SIZE).putLong(hi[i]).putLong(lo[i]).array();
    }

    Integer originOf(int i) {
        return origin[i] < 0 ? null : origin[i];
    }
}

