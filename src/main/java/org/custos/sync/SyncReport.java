package org.custos.sync;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a sync did, per resource type. */
public final class SyncReport {
    /** How a type's sync ended. */
    public enum Status { COMPLETED, CANCELLED, FAILED }

    /** Counts and outcome for one resource type. */
    public static final class TypeResult {
        public final String type;
        public long added;
        public long updated;
        public long unchanged;
        public long deleted;
        public long quarantined;
        public long skipped;
        /** AuditEvents that left the cache because they fell outside its window (not deleted on the server). */
        public long pruned;
        public long pages;
        public Status status = Status.COMPLETED;
        public String message = "";
        public long millis;

        TypeResult(String type) {
            this.type = type;
        }

        public long received() {
            return added + updated + unchanged + quarantined + skipped;
        }

        /** "new 10, updated 2, unchanged 0, deleted 1, quarantined 0". */
        public String counts() {
            return "new " + added + ", updated " + updated + ", unchanged " + unchanged + ", deleted " + deleted
                    + ", quarantined " + quarantined + (pruned > 0 ? ", outside the cache window " + pruned : "");
        }
    }

    private final Map<String, TypeResult> byType = new LinkedHashMap<>();
    private volatile String note = "";

    /** Something to tell beside the types' results (the cache was compacted after the sync); empty if nothing. */
    public String note() {
        return note;
    }

    void note(String note) {
        this.note = note;
    }

    TypeResult of(String type) {
        return byType.computeIfAbsent(type, TypeResult::new);
    }

    public Map<String, TypeResult> byType() {
        return Collections.unmodifiableMap(byType);
    }

    /** Every type synced to the end. */
    public boolean completed() {
        return byType.values().stream().allMatch(r -> r.status == Status.COMPLETED);
    }

    public boolean cancelled() {
        return byType.values().stream().anyMatch(r -> r.status == Status.CANCELLED);
    }

    public long transferred() {
        return byType.values().stream().mapToLong(r -> r.added + r.updated + r.deleted).sum();
    }
}
