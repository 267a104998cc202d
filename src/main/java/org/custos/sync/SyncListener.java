package org.custos.sync;

/** What a running sync tells its screen or command line; called on the sync's thread. */
public interface SyncListener {
    SyncListener NONE = new SyncListener() { };

    /**
     * Progress of one type: {@code done} resources received in this run, {@code total} what the server says there
     * is to receive in this run (-1 when it does not say).
     */
    default void progress(String type, long done, long total) {
    }

    /** A line worth showing: a retry, a restarted search, a refused link. */
    default void notice(String type, String message) {
    }

    /** A page was stored: the cache has new data to show. */
    default void stored(String type) {
    }
}
