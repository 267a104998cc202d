package org.custos.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class IncomingResourceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The stored text is what earlier versions stored ({@code tree.toString()}), so old and new rows compare. */
    @Test
    void compactTextIsTheTreesToString() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(TestData.examples())) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            JsonNode tree = MAPPER.readTree(f.toFile());
            assertArrayEquals(tree.toString().getBytes(StandardCharsets.UTF_8), IncomingResource.compact(tree),
                    f.toString());
        }
        JsonNode odd = MAPPER.readTree("{\"a\":\"Zoë \\u2603 \\\"q\\\" \\\\ \\n \\t \\u0001 </x>\",\"n\":1.50,"
                + "\"b\":[true,null,-0.0,1e400]}");
        assertArrayEquals(odd.toString().getBytes(StandardCharsets.UTF_8), IncomingResource.compact(odd));
        // outside the BMP (emoji) the bytes differ: the text keeps them as backslash-u escapes, the same JSON; a lone
        // surrogate stays an escape too, where toString() and getBytes made it a '?'
        JsonNode emoji = MAPPER.readTree("{\"a\":\"😀 \\ud83d x\"}");
        byte[] kept = IncomingResource.compact(emoji);
        assertEquals("{\"a\":\"\\uD83D\\uDE00 \\uD83D x\"}", new String(kept, StandardCharsets.UTF_8));
        assertEquals(emoji, MAPPER.readTree(kept));
    }

    /** The content hash keeps its definition (CRC32C of the UTF-8 bytes, then String.hashCode), ASCII or not. */
    @Test
    void hashIsUnchangedByTheFastPath() {
        for (String text : List.of("", "a", "ab", "abc", "abcd", "abcde", "{\"resourceType\":\"AuditEvent\",\"id\":\"x\"}",
                "Zoë", "→ snowman ☃ at the end", "😀 first", "x".repeat(1001) + "é")) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(text.hashCode(), IncomingResource.stringHash(utf8), text);
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(utf8);
            assertEquals((crc.getValue() << 32) | (text.hashCode() & 0xffffffffL), IncomingResource.hash(text));
            assertEquals(IncomingResource.hash(text), IncomingResource.hash(utf8));
        }
        assertNotEquals(IncomingResource.hash("{\"a\":1}"), IncomingResource.hash("{\"a\":2}"));
        // any bytes at all, malformed UTF-8 included: the same value as the String the bytes decode to
        java.util.Random rnd = new java.util.Random(42);
        byte[][] pieces = {"a".getBytes(StandardCharsets.UTF_8), "é".getBytes(StandardCharsets.UTF_8),
            "☃".getBytes(StandardCharsets.UTF_8), "😀".getBytes(StandardCharsets.UTF_8), {(byte) 0x80},
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, 0, 0},
            {(byte) 0xE2, (byte) 0x98}, {(byte) 0xFF}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}};
        for (int round = 0; round < 2000; round++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int parts = rnd.nextInt(12);
            for (int k = 0; k < parts; k++) {
                out.writeBytes(pieces[rnd.nextInt(round < 1000 ? 4 : pieces.length)]);
            }
            byte[] b = out.toByteArray();
            assertEquals(new String(b, StandardCharsets.UTF_8).hashCode(), IncomingResource.stringHash(b),
                    java.util.HexFormat.of().formatHex(b));
        }
    }

    @Test
    void identityAndTextFromTheTree() throws Exception {
        ObjectNode tree = (ObjectNode) MAPPER.readTree("{\"resourceType\":\"AuditEvent\", \"id\":\"e1\", "
                + "\"meta\":{\"versionId\":\"3\",\"lastUpdated\":\"2026-01-02T03:04:05Z\"}}");
        IncomingResource r = IncomingResource.of(tree, "fallback", "entry 0");
        assertEquals("AuditEvent", r.type());
        assertEquals("e1", r.id());
        assertEquals("3", r.versionId());
        assertEquals(java.time.Instant.parse("2026-01-02T03:04:05Z").toEpochMilli(), r.lastUpdated());
        assertEquals(tree.toString(), r.json());
        assertEquals("other", r.withId("other").id());
        ObjectNode noId = (ObjectNode) MAPPER.readTree("{\"resourceType\":\"Consent\"}");
        assertEquals("fallback", IncomingResource.of(noId, "fallback", "line 2").id());
    }
}
