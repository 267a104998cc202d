package org.custos.cache;

/** A server said this resource was deleted (in its {@code _history}), at this version and time (epoch ms). */
public record DeletedResource(String type, String id, String versionId, long at) {
}
