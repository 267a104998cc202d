package org.custos.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * One resource on its way into the cache: its compact JSON text as UTF-8 (what is stored, the truth), the
 * identity read from it, and where in its source it was found (for messages).
 */
public record IncomingResource(String type, String id, String versionId, Long lastUpdated, byte[] utf8,
                               String location) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Reads the identity from {@code tree} and keeps its compact JSON text (as {@code tree.toString()} writes it). */
    public static IncomingResource of(ObjectNode tree, String fallbackId, String location) {
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
        return new IncomingResource(type, id != null ? id : fallbackId, versionId, lastUpdated, compact(tree),
                location);
    }

    /** The tree's compact JSON as UTF-8: the same text as {@code tree.toString()}, without the detour via chars. */
    static byte[] compact(JsonNode tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            // a tree read by Jackson always writes; keep the message should that ever change
            throw new IllegalStateException("Cannot write a JSON tree: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || !n.isValueNode() ? null : n.asText();
    }

    /** The stored text. */
    public String json() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** This resource with another id (one made up for a resource that has none). */
    public IncomingResource withId(String newId) {
        return new IncomingResource(type, newId, versionId, lastUpdated, utf8, location);
    }

    /** A 64-bit fingerprint of the stored text: two independent 32-bit hashes. */
    public long contentHash() {
        return hash(utf8);
    }

    /** CRC32C of the UTF-8 bytes, then {@code String.hashCode()} of the text. */
    static long hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }

    static long hash(byte[] utf8) {
        CRC32C crc = new CRC32C();
        crc.update(utf8);
        return (crc.getValue() << 32) | (stringHash(utf8) & 0xffffffffL);
    }

    /**
     * {@code new String(utf8, UTF_8).hashCode()}, without making the String when the text is ASCII (FHIR JSON
     * nearly always is): four characters per step, so the multiplications do not wait for each other.
     */
    static int stringHash(byte[] utf8) {
        int h = 0;
        int i = 0;
        int any = 0;
        int n = utf8.length & ~3;
        for (; i < n; i += 4) {
            int b0 = utf8[i];
            int b1 = utf8[i + 1];
            int b2 = utf8[i + 2];
            int b3 = utf8[i + 3];
            any |= b0 | b1 | b2 | b3;
            h = h * 923521 + b0 * 29791 + b1 * 961 + b2 * 31 + b3; // 31^4, 31^3, 31^2, 31
        }
        for (; i < utf8.length; i++) {
            any |= utf8[i];
            h = 31 * h + utf8[i];
        }
        return any < 0 ? new String(utf8, StandardCharsets.UTF_8).hashCode() : h;
    }

    public String describe() {
        return (type == null ? "resource" : type) + (id == null ? "" : "/" + id) + " (" + location + ")";
    }
}
