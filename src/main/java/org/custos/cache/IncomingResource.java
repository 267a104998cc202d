package org.custos.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * One resource on its way into the cache: its JSON tree, its compact JSON text (what is stored, the truth),
 * and where in its source it was found (for messages).
 */
public record IncomingResource(String type, String id, String versionId, Long lastUpdated, ObjectNode tree,
                               String json, String location) {

    public static IncomingResource of(ObjectNode tree, String json, String fallbackId, String location) {
        String type = text(tree.get("resourceType"));
        String id = text(tree.get("id"));
        JsonNode meta = tree.get("meta");
        String versionId = meta == null ? null : text(meta.get("versionId"));
        Long lastUpdated = null;
        if (meta != null && meta.hasNonNull("lastUpdated")) {
            try {
                lastUpdated = FhirTimes.parseInstantMillis(meta.get("lastUpdated").asText());
            } catch (IllegalArgumentException ignored) {
                // a bad meta.lastUpdated is kept in the raw resource; it is not a search column
            }
        }
        return new IncomingResource(type, id != null ? id : fallbackId, versionId, lastUpdated, tree, json, location);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || !n.isValueNode() ? null : n.asText();
    }

    /** A 64-bit fingerprint of the stored text: two independent 32-bit hashes. */
    public long contentHash() {
        return hash(json);
    }

    static long hash(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() << 32) | (text.hashCode() & 0xffffffffL);
    }

    public String describe() {
        return (type == null ? "resource" : type) + (id == null ? "" : "/" + id) + " (" + location + ")";
    }
}
