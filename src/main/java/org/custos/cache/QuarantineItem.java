package org.custos.cache;

/** Something that could not be read: where it came from, why, and its text as it was. */
public record QuarantineItem(long id, long at, String origin, String location, String type, String resourceId,
                             String reason, String content) {
}
