package org.custos.consent;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * One consent's kept versions of one origin, oldest first by lastUpdated (an undated one apart), compiled for
 * deciding: which version was in force at an instant, and the instants at which any answer may change.
 */
record ConsentTimeline(String id, long[] times, ConsentDecision[] decisions, String[] versions,
                       ConsentDecision undated, String undatedVersion) {

    /** Whether a version names data (its events must then be read from their text). */
    boolean readsData() {
        return undated != null && undated.readsData()
                || java.util.Arrays.stream(decisions).anyMatch(ConsentDecision::readsData);
    }

    /** The index of the version in force at {@code t} (the newest dated at or before it), or -1. */
    int inForce(long t) {
        int lo = 0;
        int hi = times.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * Every instant (ascending, once) at which a decision of these consents may change: each version's lastUpdated
     * and each version's own {@link ConsentDecision#timeBreaks}. Between two of them the answer to equal facts is the
     * same.
     */
    static long[] breaks(Collection<List<ConsentTimeline>> consents) {
        TreeSet<Long> cut = new TreeSet<>();
        for (List<ConsentTimeline> lines : consents) {
            for (ConsentTimeline t : lines) {
                for (long time : t.times()) {
                    cut.add(time);
                }
                for (ConsentDecision d : t.decisions()) {
                    for (long b : d.timeBreaks()) {
                        cut.add(b);
                    }
                }
                if (t.undated() != null) {
                    for (long b : t.undated().timeBreaks()) {
                        cut.add(b);
                    }
                }
            }
        }
        return cut.stream().mapToLong(Long::longValue).toArray();
    }
}
