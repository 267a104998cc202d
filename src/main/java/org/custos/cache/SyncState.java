package org.custos.cache;

/**
 * The sync checkpoint of one resource type on one server. Every resource with {@code _lastUpdated < syncedTo} was
 * in the cache after the last completed sync. While a window {@code [windowFrom, windowTo)} is in progress, every
 * resource in it with {@code _lastUpdated < position} is stored ({@code phase} says whether its search or its
 * scan for deletes runs). Times are epoch milliseconds; a null {@code windowFrom} means "from the beginning".
 */
public record SyncState(int originId, String type, Long syncedTo, Long windowFrom, Long windowTo, Long position,
                        String phase, Long lastRunAt, String lastStatus, String lastMessage, String filterKey) {

    public static final String SEARCH = "SEARCH";
    public static final String DELETES = "DELETES";

    public static SyncState fresh(int originId, String type) {
        return new SyncState(originId, type, null, null, null, null, null, null, null, null, null);
    }

    public boolean inProgress() {
        return windowTo != null;
    }

    /** A new window; {@code key} describes the filter it runs with (see {@link #filterKey}). */
    public SyncState startWindow(Long from, long to, String key) {
        return new SyncState(originId, type, syncedTo, from, to, from, SEARCH, lastRunAt, lastStatus, lastMessage,
                key);
    }

    /** Forgets how far earlier syncs got (their filter was narrower): the next window starts from the beginning. */
    public SyncState startOver() {
        return new SyncState(originId, type, null, null, null, null, null, lastRunAt, lastStatus, lastMessage, null);
    }

    public SyncState atPosition(Long newPosition) {
        return new SyncState(originId, type, syncedTo, windowFrom, windowTo, newPosition, phase, lastRunAt,
                lastStatus, lastMessage, filterKey);
    }

    public SyncState inPhase(String newPhase) {
        return new SyncState(originId, type, syncedTo, windowFrom, windowTo, position, newPhase, lastRunAt,
                lastStatus, lastMessage, filterKey);
    }

    /** The window is done: everything before its end is in the cache. */
    public SyncState windowDone() {
        return new SyncState(originId, type, windowTo, null, null, null, null, lastRunAt, lastStatus, lastMessage,
                filterKey);
    }

    public SyncState ran(long at, String status, String message) {
        return new SyncState(originId, type, syncedTo, windowFrom, windowTo, position, phase, at, status, message,
                filterKey);
    }
}
