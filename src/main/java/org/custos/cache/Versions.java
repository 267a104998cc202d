package org.custos.cache;

/** FHIR versionIds: opaque strings, but most servers count 1, 2, 3…; compared only when both are numbers. */
final class Versions {
    private Versions() {
    }

    /** True only when both are whole numbers and {@code incoming} is the smaller one. */
    static boolean isOlder(String incoming, String stored) {
        Long a = number(incoming);
        Long b = number(stored);
        return a != null && b != null && a < b;
    }

    /**
     * A delete without a version: the cached resource is newer than the delete (it was created again) when its
     * lastUpdated is after the delete's time.
     */
    static boolean laterThanDelete(String deletedVersion, Long cachedLastUpdated, long deletedAt) {
        return deletedVersion == null && cachedLastUpdated != null && cachedLastUpdated > deletedAt;
    }

    /**
     * Kept versions of one resource, as a person reads their history: the current one first, then the earlier ones
     * newest first — by numeric versionId where both have one, else by arrival (the row key grows with it).
     */
    static final java.util.Comparator<AuditStore.Version> NEWEST_FIRST = (a, b) -> {
        if (a.current() != b.current()) {
            return a.current() ? -1 : 1;
        }
        Long x = number(a.versionId());
        Long y = number(b.versionId());
        if (x != null && y != null && !x.equals(y)) {
            return Long.compare(y, x);
        }
        return Long.compare(b.pk(), a.pk());
    };

    private static Long number(String v) {
        if (v == null || v.isEmpty() || v.length() > 18) {
            return null;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(v);
    }
}
