package org.custos.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns a stored AuditEvent (JSON) into the detail tree: every element present, in words. Codings read as
 * "display (code · system)", references as their target, base64 query/detail values decoded when they are text.
 * Elements it has no special words for are still shown, generically, so nothing present is hidden.
 */
public final class AuditDetails {
    private final ObjectMapper mapper = new ObjectMapper();
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");
    static final Map<String, String> ACTIONS = Map.of("C", "Create", "R", "Read/View/Print", "U", "Update",
            "D", "Delete", "E", "Execute (search, query, operation)");
    static final Map<String, String> OUTCOMES = Map.of("0", "Success", "4", "Minor failure", "8", "Serious failure",
            "12", "Major failure");

    private final ZoneId zone;

    public AuditDetails(ZoneId zone) {
        this.zone = zone;
    }

    public DetailNode build(String json) {
        JsonNode ev;
        try {
            ev = mapper.readTree(json);
        } catch (java.io.IOException e) {
            return DetailNode.leaf("Unreadable", e.getMessage());
        }
        List<DetailNode> sections = new ArrayList<>();
        List<DetailNode> event = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = ev.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            switch (f.getKey()) {
                case "resourceType", "agent", "source", "entity" -> {
                }
                case "text" -> event.add(DetailNode.leaf("narrative", stripTags(f.getValue().path("div").asText(""))));
                case "action" -> event.add(DetailNode.leaf("action", coded(f.getValue().asText(), ACTIONS)));
                case "outcome" -> event.add(DetailNode.leaf("outcome", coded(f.getValue().asText(), OUTCOMES)));
                case "recorded" -> event.add(DetailNode.leaf("recorded", time(f.getValue().asText())));
                default -> event.add(node(f.getKey(), f.getValue(), false));
            }
        }
        sections.add(new DetailNode("Event", summaryOf(ev), event));
        int i = 1;
        for (JsonNode a : ev.path("agent")) {
            sections.add(new DetailNode("Agent " + i++, agentTitle(a), children(a, false)));
        }
        if (ev.has("source")) {
            sections.add(new DetailNode("Source", ev.path("source").path("site").asText(
                    ev.path("source").path("identifier").path("value").asText("")), children(ev.get("source"), false)));
        }
        i = 1;
        for (JsonNode e : ev.path("entity")) {
            String title = e.path("reference").path("reference").asText(e.path("name").asText(
                    e.path("identifier").path("value").asText("")));
            sections.add(new DetailNode("Entity " + i++, title, children(e, true)));
        }
        return new DetailNode(ev.path("resourceType").asText("Resource") + "/" + ev.path("id").asText("?"),
                "", sections);
    }

    private static String summaryOf(JsonNode ev) {
        String type = ev.path("type").path("display").asText(ev.path("type").path("code").asText(""));
        String action = ACTIONS.getOrDefault(ev.path("action").asText(""), "");
        return (type + (action.isEmpty() ? "" : " · " + action)).trim();
    }

    private static String agentTitle(JsonNode a) {
        String name = a.path("name").asText(null);
        String user = a.path("userId").path("value").asText(null);
        String ref = a.path("reference").path("reference").asText(null);
        String who = name != null ? name : user != null ? user : ref != null ? ref : "";
        return who + (a.path("requestor").asBoolean(false) ? " (requestor)" : "");
    }

    private List<DetailNode> children(JsonNode obj, boolean entity) {
        List<DetailNode> out = new ArrayList<>();
        obj.fields().forEachRemaining(f -> out.add(node(f.getKey(), f.getValue(), entity)));
        return out;
    }

    private DetailNode node(String label, JsonNode v, boolean entity) {
        if (entity && "query".equals(label) && v.isTextual()) {
            return DetailNode.leaf("query", decoded(v.asText()));
        }
        if (v.isArray()) {
            if (v.size() == 1) {
                return node(label, v.get(0), entity);
            }
            List<DetailNode> items = new ArrayList<>();
            int i = 1;
            for (JsonNode item : v) {
                items.add(node(label + " " + i++, item, entity));
            }
            String joined = v.findValues("display").isEmpty() ? "" : String.join(", ", v.findValuesAsText("display"));
            return new DetailNode(label, joined.isEmpty() ? v.size() + " items" : joined, items);
        }
        if (v.isObject()) {
            String words = words(v);
            if (words != null) {
                return DetailNode.leaf(label, words);
            }
            if (entity && v.has("value") && v.has("type") && v.size() == 2) {
                // entity.detail: a typed base64 value
                return DetailNode.leaf(label + " · " + v.get("type").asText(), decoded(v.get("value").asText()));
            }
            return new DetailNode(label, "", children(v, entity));
        }
        return DetailNode.leaf(label, v.asText());
    }

    /** A compact rendering of the common data types, or null when the object needs a subtree. */
    private static String words(JsonNode v) {
        if (v.has("coding") && onlyKeys(v, "coding", "text")) {
            List<String> parts = new ArrayList<>();
            v.get("coding").forEach(c -> parts.add(coding(c)));
            if (v.has("text")) {
                parts.add(0, v.get("text").asText());
            }
            return String.join("; ", parts);
        }
        if ((v.has("code") || v.has("system")) && onlyKeys(v, "system", "code", "display", "version",
                "userSelected")) {
            return coding(v);
        }
        if (v.has("reference") && onlyKeys(v, "reference", "display", "identifier")) {
            return v.get("reference").asText() + (v.has("display") ? " (" + v.get("display").asText() + ")" : "");
        }
        if (v.has("value") && onlyKeys(v, "value", "system", "use", "type", "period", "assigner")
                && !v.has("type")) {
            return v.get("value").asText() + (v.has("system") ? "  ·  " + v.get("system").asText() : "");
        }
        if (v.has("address") && onlyKeys(v, "address", "type")) {
            return v.get("address").asText() + (v.has("type") ? "  ·  type " + v.get("type").asText() + " ("
                    + networkType(v.get("type").asText()) + ")" : "");
        }
        return null;
    }

    private static String networkType(String code) {
        return switch (code) {
            case "1" -> "machine name";
            case "2" -> "IP address";
            case "3" -> "telephone number";
            case "4" -> "email address";
            case "5" -> "URI";
            default -> "other";
        };
    }

    private static boolean onlyKeys(JsonNode v, String... allowed) {
        List<String> ok = List.of(allowed);
        Iterator<String> names = v.fieldNames();
        while (names.hasNext()) {
            if (!ok.contains(names.next())) {
                return false;
            }
        }
        return true;
    }

    static String coding(JsonNode c) {
        String code = c.path("code").asText("");
        String display = c.path("display").asText("");
        String system = c.path("system").asText("");
        String inner = code + (system.isEmpty() ? "" : " · " + system);
        return display.isEmpty() ? inner : display + " (" + inner + ")";
    }

    /** Base64 made readable: the decoded text when it is UTF-8 text, otherwise its size. */
    static String decoded(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return base64 + "  (not valid base64)";
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            boolean printable = text.chars().allMatch(ch -> ch >= 0x20 || ch == '\n' || ch == '\r' || ch == '\t');
            return printable ? text : bytes.length + " bytes of binary data (base64 " + base64 + ")";
        } catch (CharacterCodingException e) {
            return bytes.length + " bytes of binary data (base64 " + base64 + ")";
        }
    }

    private static String coded(String code, Map<String, String> meaning) {
        String m = meaning.get(code);
        return m == null ? code : m + " (" + code + ")";
    }

    private String time(String fhir) {
        try {
            Instant t = java.time.OffsetDateTime.parse(fhir).toInstant();
            return fhir + "   (" + LOCAL.format(t.atZone(zone)) + ")";
        } catch (java.time.format.DateTimeParseException e) {
            return fhir;
        }
    }

    private static String stripTags(String html) {
        return html.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim();
    }
}
