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

    /**
     * Reads the identity from {@code tree} and keeps its compact JSON text: what {@code tree.toString()} writes,
     * except that characters outside the BMP are kept escaped (the same JSON).
     */
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

    /**
     * One resource from its JSON text (an object with resourceType and id).
     *
     * @throws IllegalArgumentException not a JSON object, or no resourceType or id
     */
    public static IncomingResource fromJson(String json, String location) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not JSON (" + location + "): " + e.getOriginalMessage());
        }
        if (!(n instanceof ObjectNode tree)) {
            throw new IllegalArgumentException("Not a JSON object (" + location + ").");
        }
        IncomingResource r = of(tree, null, location);
        if (r.type() == null || r.id() == null) {
            throw new IllegalArgumentException("A resource without resourceType or id (" + location + ").");
        }
        return r;
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
     * {@code new String(utf8, UTF_8).hashCode()} without making the String: ASCII four bytes per step (the
     * multiplications then do not wait for each other), other characters decoded here; anything malformed, which
     * the String would replace, goes the slow way.
     */
    static int stringHash(byte[] u) {
        int h = 0;
        int i = 0;
        int n = u.length;
        while (i < n) {
            while (i + 4 <= n && (u[i] | u[i + 1] | u[i + 2] | u[i + 3]) >= 0) {
                h = h * 923521 + u[i] * 29791 + u[i + 1] * 961 + u[i + 2] * 31 + u[i + 3]; // 31^4, 31^3, 31^2
                i += 4;
            }
            if (i >= n) {
                break;
            }
            int b = u[i];
            if (b >= 0) {
                h = 31 * h + b;
                i++;
            } else if ((b & 0xE0) == 0xC0 && i + 1 < n && next(u[i + 1])) {
                int c = (b & 0x1F) << 6 | u[i + 1] & 0x3F;
                if (c < 0x80) {
                    return slowHash(u);
                }
                h = 31 * h + c;
                i += 2;
            } else if ((b & 0xF0) == 0xE0 && i + 2 < n && next(u[i + 1]) && next(u[i + 2])) {
                int c = (b & 0x0F) << 12 | (u[i + 1] & 0x3F) << 6 | u[i + 2] & 0x3F;
                if (c < 0x800 || Character.isSurrogate((char) c)) {
                    return slowHash(u);
                }
                h = 31 * h + c;
                i += 3;
            } else if ((b & 0xF8) == 0xF0 && i + 3 < n && next(u[i + 1]) && next(u[i + 2]) && next(u[i + 3])) {
                int c = (b & 0x07) << 18 | (u[i + 1] & 0x3F) << 12 | (u[i + 2] & 0x3F) << 6 | u[i + 3] & 0x3F;
                if (c < 0x10000 || c > Character.MAX_CODE_POINT) {
                    return slowHash(u);
                }
                h = 31 * (31 * h + Character.highSurrogate(c)) + Character.lowSurrogate(c);
                i += 4;
            } else {
                return slowHash(u);
            }
        }
        return h;
    }

    private static boolean next(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static int slowHash(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8).hashCode();
    }

    public String describe() {
        return (type == null ? "resource" : type) + (id == null ? "" : "/" + id) + " (" + location + ")";
    }
}
