package org.custos.cache;

/**
 * Something that could not be read: where it came from ({@code origin}: "origin · source" to show;
 * {@code originName} and {@code source} apart), why, and its text as it was.
 */
public record QuarantineItem(long id, long at, String origin, String location, String type, String resourceId,
                             String reason, String content, String originName, String source) {
}
