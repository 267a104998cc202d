package org.custos.cache;

/** What an upsert did: new rows, changed rows replaced, identical versions left alone. */
public record UpsertCounts(int added, int updated, int unchanged) {
    public static final UpsertCounts NONE = new UpsertCounts(0, 0, 0);

    public UpsertCounts plus(UpsertCounts o) {
        return new UpsertCounts(added + o.added, updated + o.updated, unchanged + o.unchanged);
    }
}
