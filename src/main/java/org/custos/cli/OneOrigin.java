package org.custos.cli;

import org.custos.cache.Origins;
import org.custos.cache.ProvenanceStore;

import java.nio.file.Path;
import java.util.List;

/** A resource id several origins may hold: the one {@code --origin} names, or the only one; otherwise why not. */
final class OneOrigin {
    private OneOrigin() {
    }

    /** The choice, or the problem to report (exactly one of them is null). */
    record Pick(ProvenanceStore.Current current, String problem) {
    }

    static Pick pick(List<ProvenanceStore.Current> found, String origin, String what, Path cacheFile) {
        List<ProvenanceStore.Current> of = found;
        if (origin != null) {
            String o = Origins.normalize(origin);
            of = found.stream().filter(c -> c.origin().equals(o)).toList();
        }
        if (of.isEmpty()) {
            return new Pick(null, "no " + what + (origin == null ? "" : " of " + origin) + " in the cache "
                    + cacheFile);
        }
        if (of.size() > 1) {
            return new Pick(null, what + " is in " + of.size() + " origins (" + String.join(", ",
                    of.stream().map(ProvenanceStore.Current::origin).toList()) + "); name one with --origin");
        }
        return new Pick(of.get(0), null);
    }
}
