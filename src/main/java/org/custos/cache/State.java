package org.custos.cache;

/**
 * The state bits of a kept resource version (column {@code state}). A version is current unless superseded; the
 * current one says whether its resource changed at its origin (more than one version is kept) or was deleted there.
 */
public final class State {
    /** An earlier version: kept as evidence, not shown as a row of its own. */
    public static final int SUPERSEDED = 1;
    /** The resource has more than one kept version: it changed at its origin after it was first stored. */
    public static final int CHANGED = 2;
    /** The origin (a server) reported the resource deleted; the cache keeps it. */
    public static final int DELETED = 4;

    private State() {
    }

    /** "changed", "deleted", "changed, deleted" or "" for a current version's state. */
    public static String describe(int state) {
        StringBuilder b = new StringBuilder();
        if ((state & CHANGED) != 0) {
            b.append("changed");
        }
        if ((state & DELETED) != 0) {
            b.append(b.length() > 0 ? ", " : "").append("deleted");
        }
        return b.toString();
    }
}
