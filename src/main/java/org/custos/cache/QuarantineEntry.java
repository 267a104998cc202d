package org.custos.cache;

/** Something that could not be taken into the cache, on its way to the quarantine. */
public record QuarantineEntry(String location, String type, String id, String reason, String content) {
}
