package org.custos.sync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What an import did, per resource type, and the reasons for what it could not take. */
public final class ImportReport {
    /** Counts for one resource type. */
    public static final class Counts {
        public long added;
        public long updated;
        public long unchanged;
        public long quarantined;
        public long skipped;

        public long total() {
            return added + updated + unchanged + quarantined + skipped;
        }
    }

    private static final int MAX_PROBLEMS = 200;
    private final Map<String, Counts> byType = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long problemCount;
    private boolean cancelled;

    public Counts counts(String type) {
        return byType.computeIfAbsent(type == null ? "(unknown)" : type, t -> new Counts());
    }

    public Map<String, Counts> byType() {
        return Collections.unmodifiableMap(byType);
    }

    void problem(String text) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
    }

    /** The first problems (at most 200), each naming where and why. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    public long quarantined() {
        return byType.values().stream().mapToLong(c -> c.quarantined).sum();
    }

    public long stored() {
        return byType.values().stream().mapToLong(c -> c.added + c.updated).sum();
    }

    public long resources() {
        return byType.values().stream().mapToLong(Counts::total).sum();
    }

    public long problemCount() {
        return problemCount;
    }

    void cancelled() {
        cancelled = true;
    }

    public boolean wasCancelled() {
        return cancelled;
    }

    /** Something to tell beside the counts (the cache was compacted after the import). */
    void note(String note) {
        notes.add(note);
    }

    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    public void addAll(ImportReport other) {
        other.byType.forEach((t, c) -> {
            Counts mine = counts(t);
            mine.added += c.added;
            mine.updated += c.updated;
            mine.unchanged += c.unchanged;
            mine.quarantined += c.quarantined;
            mine.skipped += c.skipped;
        });
        other.problems.forEach(this::problem);
        problemCount += other.problemCount - other.problems.size();
        cancelled |= other.cancelled;
        notes.addAll(other.notes);
    }

    /** One line per type: "AuditEvent: 5 new, 0 updated, 0 unchanged, 0 quarantined". */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        byType.forEach((t, c) -> {
            if (c.skipped > 0 && c.added + c.updated + c.unchanged + c.quarantined == 0) {
                out.add(t + ": " + c.skipped + " skipped (not cached)");
            } else {
                out.add(t + ": " + c.added + " new, " + c.updated + " updated, " + c.unchanged + " unchanged, "
                        + c.quarantined + " quarantined" + (c.skipped > 0 ? ", " + c.skipped + " skipped" : ""));
            }
        });
        return out;
    }
}
