package org.custos.audit;

import javafx.collections.ObservableListBase;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditStore;
import org.custos.cache.AuditSummary;
import org.custos.cache.Keyset;
import org.custos.ui.TaskRunner;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The audit table's rows over the cache, without loading the events: the first page comes straight from a
 * keyset query; then the primary keys of all matches are read in the background (8 bytes each, so a million is
 * 8 MB), which gives the exact count and lets any scroll position fetch its page by key. Pages of rows are kept
 * in a small LRU; a row not loaded yet reads as {@code null} and {@code onPageLoaded} fires when it arrives.
 */
final class LazyAuditRows extends ObservableListBase<AuditSummary> {
    static final int PAGE = 100;
    static final int KEY_CHUNK = 50_000;
    private static final int MAX_PAGES = 60;

    /** What the owner hears about. */
    interface Listener {
        void keysLoaded(int count, boolean complete);

        void pageLoaded(int page);

        void failed(Throwable t);

        /** The rows are about to be swapped for new ones ({@code true}), or were ({@code false}). */
        default void swapping(boolean now) {
        }
    }

    private final AuditStore store;
    private final TaskRunner tasks;
    private final Listener listener;
    private volatile long generation;
    private long[] pks = new long[0];
    private int size;
    private final Map<Integer, AuditSummary[]> pages = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, AuditSummary[]> e) {
            return size() > MAX_PAGES;
        }
    };
    private final Set<Integer> loading = new HashSet<>();

    LazyAuditRows(AuditStore store, TaskRunner tasks, Listener listener) {
        this.store = store;
        this.tasks = tasks;
        this.listener = listener;
    }

    /** Starts over with a new filter and sort direction. */
    void reset(AuditFilter filter, boolean ascending) {
        reset(filter, ascending, () -> { });
    }

    /** {@link #reset(AuditFilter, boolean)}, running {@code first} (off the UI thread) before the first page is read. */
    void reset(AuditFilter filter, boolean ascending, Runnable first) {
        long gen = ++generation;
        clearAll();
        loading.add(0);
        tasks.submit(null, p -> {
            first.run();
            return store.page(filter, null, ascending, PAGE);
        }, firstPage -> {
            if (gen != generation) {
                return;
            }
            loading.remove(0);
            pages.put(0, firstPage.toArray(new AuditSummary[0]));
            append(firstPage.stream().mapToLong(AuditSummary::pk).toArray());
            boolean complete = firstPage.size() < PAGE;
            listener.keysLoaded(size, complete);
            listener.pageLoaded(0);
            if (!complete && AuditStore.scansBetterUnordered(filter)) {
                scanAllKeys(gen, filter, ascending, firstPage.size());
            } else if (!complete) {
                scanKeys(gen, filter, ascending, Keyset.after(firstPage.get(firstPage.size() - 1)));
            }
        }, this::fail);
    }

    /**
     * Reads the matching keys again (the cache changed) and swaps them in at once, in one list change: the list never
     * shows empty in between, so the table keeps its selection and scroll position where the owner restores them.
     */
    void refresh(AuditFilter filter, boolean ascending) {
        long gen = ++generation;
        tasks.submit(null, p -> allKeys(filter, ascending, () -> gen != generation || p.isCancelled()), all -> {
            if (all == null || gen != generation) {
                return;
            }
            loading.clear();
            pages.clear();
            if (!Arrays.equals(all, 0, all.length, pks, 0, size)) {
                listener.swapping(true);
                int old = size;
                pks = all;
                size = all.length;
                beginChange();
                if (old > 0) {
                    nextRemove(0, java.util.Collections.nCopies(old, (AuditSummary) null));
                }
                if (size > 0) {
                    nextAdd(0, size);
                }
                endChange();
                listener.swapping(false);
            }
            listener.keysLoaded(size, true);
            listener.pageLoaded(-1);
        }, this::fail);
    }

    private long[] allKeys(AuditFilter filter, boolean ascending, java.util.function.BooleanSupplier stop) {
        if (AuditStore.scansBetterUnordered(filter)) {
            return store.sortedKeys(filter, ascending, stop);
        }
        long[] out = new long[1024];
        int[] n = {0};
        Keyset after = null;
        boolean first = true;
        while (first || after != null) {
            if (stop.getAsBoolean()) {
                return null;
            }
            first = false;
            long[][] buf = {out};
            Optional<Keyset> next = store.keys(filter, after, ascending, KEY_CHUNK, pk -> {
                if (n[0] == buf[0].length) {
                    buf[0] = Arrays.copyOf(buf[0], buf[0].length * 2);
                }
                buf[0][n[0]++] = pk;
            });
            out = buf[0];
            after = next.orElse(null);
        }
        return Arrays.copyOf(out, n[0]);
    }

    /** The position of the row with this primary key, or -1. */
    int indexOf(long pk) {
        for (int i = 0; i < size; i++) {
            if (pks[i] == pk) {
                return i;
            }
        }
        return -1;
    }

    private void scanKeys(long gen, AuditFilter filter, boolean ascending, Keyset start) {
        tasks.submit(null, p -> {
            Keyset after = start;
            while (after != null && gen == generation && !p.isCancelled()) {
                long[] chunk = new long[KEY_CHUNK];
                int[] n = {0};
                Optional<Keyset> next = store.keys(filter, after, ascending, KEY_CHUNK, pk -> chunk[n[0]++] = pk);
                long[] got = Arrays.copyOf(chunk, n[0]);
                boolean complete = next.isEmpty();
                tasks.onUi(() -> {
                    if (gen == generation) {
                        append(got);
                        listener.keysLoaded(size, complete);
                    }
                });
                after = next.orElse(null);
            }
            return null;
        }, ignored -> {
        }, this::fail);
    }

    /** Reads every key at once in storage order (see {@link AuditStore#sortedKeys}); the first page is there already. */
    private void scanAllKeys(long gen, AuditFilter filter, boolean ascending, int alreadyShown) {
        tasks.submit(null, p -> store.sortedKeys(filter, ascending, () -> gen != generation || p.isCancelled()),
                all -> {
                    if (all == null || gen != generation) {
                        return;
                    }
                    if (size == alreadyShown && all.length >= size
                            && Arrays.equals(all, 0, size, pks, 0, size)) {
                        append(Arrays.copyOfRange(all, size, all.length));
                    } else {
                        replaceAll(all); // the cache changed between the first page and the scan
                    }
                    listener.keysLoaded(size, true);
                }, this::fail);
    }

    private void replaceAll(long[] all) {
        clearAll();
        append(all);
    }

    /** Forgets every key and page, and tells the table the list is empty. */
    private void clearAll() {
        int old = size;
        pages.clear();
        loading.clear();
        pks = new long[0];
        size = 0;
        if (old > 0) {
            beginChange();
            nextRemove(0, java.util.Collections.nCopies(old, (AuditSummary) null));
            endChange();
        }
    }

    private void fail(Throwable t) {
        listener.failed(t);
    }

    private void append(long[] more) {
        if (more.length == 0) {
            return;
        }
        if (size + more.length > pks.length) {
            pks = Arrays.copyOf(pks, Math.max(size + more.length, pks.length * 2));
        }
        System.arraycopy(more, 0, pks, size, more.length);
        int from = size;
        size += more.length;
        beginChange();
        nextAdd(from, size);
        endChange();
    }

    @Override
    public AuditSummary get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        int page = index / PAGE;
        AuditSummary[] rows = pages.get(page);
        if (rows == null) {
            load(page);
            return null;
        }
        int i = index % PAGE;
        // a row deleted since its key was read stays null
        return i < rows.length ? rows[i] : null;
    }

    /** The primary key at a position (known for every index below size()). */
    long pkAt(int index) {
        return pks[index];
    }

    private void load(int page) {
        if (!loading.add(page)) {
            return;
        }
        long gen = generation;
        int from = page * PAGE;
        long[] slice = Arrays.copyOfRange(pks, from, Math.min(size, from + PAGE));
        tasks.submit(null, p -> aligned(slice, store.byPks(slice)), rows -> {
            if (gen != generation) {
                return;
            }
            loading.remove(page);
            pages.put(page, rows);
            listener.pageLoaded(page);
        }, t -> {
            if (gen == generation) {
                loading.remove(page); // asked again when next shown
            }
            fail(t);
        });
    }

    private static AuditSummary[] aligned(long[] slice, List<AuditSummary> rows) {
        AuditSummary[] out = new AuditSummary[slice.length];
        int j = 0;
        for (int i = 0; i < slice.length && j < rows.size(); i++) {
            if (rows.get(j).pk() == slice[i]) {
                out[i] = rows.get(j++);
            }
        }
        return out;
    }

    @Override
    public int size() {
        return size;
    }
}
