package org.custos.cache;

/** Where a page starts: after the row with this (recorded, pk), in the page's sort direction. */
public record Keyset(long recorded, long pk) {
    public static Keyset after(AuditSummary row) {
        return new Keyset(row.recorded(), row.pk());
    }
}
