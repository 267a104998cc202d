package org.custos.cache;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

import java.util.ArrayList;
import java.util.List;

/**
 * What an AuditEvent says about an access, as far as deciding it against a consent needs it, read from its JSON at
 * import and kept in the access index ({@code audit_access}, {@code audit_facts}): its action and type, the agents
 * (requesting or not, reference, role codings, first purposeOfUse coding; the user id only of an agent without a
 * reference), the first purposeOfEvent coding, the resource types of the entities' references (in order), the
 * entities' security labels, and the agent shown for the event. Never the event's own id, date or data references,
 * so that the many events of one user doing one thing share one row of facts.
 * <p>
 * Only reading, never interpreting: what these facts mean for a consent is decided elsewhere (the consent feature's
 * AuditRequests). Lenient: an element of an unexpected shape is taken as absent (the search columns are strict).
 * Codes are {@code system|code} ({@code |code} without a system).
 *
 * @param shownAgent the requesting agent (else the first) as the event shows it: reference, else user id, else name
 */
public record AuditFacts(String action, String typeCode, String purposeOfEvent, List<Agent> agents,
                         List<String> entityTypes, List<String> labels, String shownAgent) {

    /** One agent. {@code userId} only when {@code reference} is null. */
    public record Agent(boolean requestor, String reference, String userId, List<String> roles, String purposeOfUse) {
        public Agent {
            roles = List.copyOf(roles);
        }
    }

    /** Separates the fields of the encoded form, and the items of one field; taken out of every value. */
    private static final char FIELD = '\u001e';
    private static final char ITEM = '\u001f';
    private static final char PART = '\u001d';
    /**
     * The first field of the encoded form. What is read must not change without a migration that rebuilds the
     * access index (a facts row of another version cannot be decoded).
     */
    static final String VERSION = "f1";

    public AuditFacts {
        agents = List.copyOf(agents);
        entityTypes = List.copyOf(entityTypes);
        labels = List.copyOf(labels);
    }

    /** The facts of one AuditEvent (JSON). */
    public static AuditFacts of(JsonNode ev) {
        List<Agent> agents = new ArrayList<>();
        JsonNode shown = null;
        for (JsonNode a : array(ev.get("agent"))) {
            boolean requestor = a.path("requestor").asBoolean(false);
            String ref = AuditExtractor.stripHistory(text(a.path("reference").get("reference")));
            String user = ref == null ? text(a.path("userId").get("value")) : null;
            List<String> roles = new ArrayList<>();
            for (JsonNode role : array(a.get("role"))) {
                for (JsonNode c : array(role.get("coding"))) {
                    String code = text(c.get("code"));
                    if (code != null) {
                        roles.add(code(text(c.get("system")), code));
                    }
                }
            }
            agents.add(new Agent(requestor, ref, user, roles, firstCoding(a.get("purposeOfUse"))));
            if (shown == null || requestor && !shown.path("requestor").asBoolean(false)) {
                shown = a;
            }
        }
        // each once, in the order met (the first type that is not Patient stays first)
        java.util.Set<String> types = new java.util.LinkedHashSet<>();
        java.util.Set<String> labels = new java.util.LinkedHashSet<>();
        for (JsonNode e : array(ev.get("entity"))) {
            String ref = AuditExtractor.stripHistory(text(e.path("reference").get("reference")));
            if (ref != null) {
                types.add(typeOf(ref));
            }
            for (JsonNode l : array(e.get("securityLabel"))) {
                String code = text(l.get("code"));
                if (code != null) {
                    labels.add(code(text(l.get("system")), code));
                }
            }
        }
        String shownAgent = null;
        if (shown != null) {
            String ref = text(shown.path("reference").get("reference"));
            String user = text(shown.path("userId").get("value"));
            shownAgent = ref != null ? ref : user != null ? user : text(shown.get("name"));
        }
        return new AuditFacts(text(ev.get("action")), text(ev.path("type").get("code")),
                firstCoding(ev.get("purposeOfEvent")), agents, List.copyOf(types), List.copyOf(labels), shownAgent);
    }

    /** The top-level elements {@link #of} reads whole; of {@code entity} it reads only these two. */
    private static final java.util.Set<String> WHOLE = java.util.Set.of("action", "type", "purposeOfEvent", "agent");
    private static final java.util.Set<String> OF_ENTITY = java.util.Set.of("reference", "securityLabel");

    /** Keeps of an entity only what {@link #of} reads of it. */
    private static final TokenFilter ENTITY = new TokenFilter() {
        @Override
        public TokenFilter includeProperty(String name) {
            return OF_ENTITY.contains(name) ? TokenFilter.INCLUDE_ALL : null;
        }
    };

    /** Keeps of the event only what {@link #of} reads: the rest (details, queries, narrative) is skipped unread. */
    private static final TokenFilter EVENT = new TokenFilter() {
        @Override
        public TokenFilter includeProperty(String name) {
            return WHOLE.contains(name) ? TokenFilter.INCLUDE_ALL : "entity".equals(name) ? ENTITIES : null;
        }
    };

    private static final TokenFilter ENTITIES = new TokenFilter() {
        @Override
        public TokenFilter includeElement(int index) {
            return ENTITY;
        }

        @Override
        public TokenFilter includeProperty(String name) {
            // "entity" that is not an array: of() reads nothing of it
            return null;
        }
    };

    /**
     * The facts of an AuditEvent's stored text (UTF-8 JSON), reading into a tree only the elements {@link #of} looks
     * at: the same facts as {@code of(mapper.readTree(json))}, several times faster on events with large details.
     * Not for text with duplicate keys (where the whole tree keeps the last and the filter may keep an earlier one):
     * the cache stores each text as Jackson writes a tree, which has none.
     */
    public static AuditFacts read(ObjectMapper mapper, byte[] json) throws IOException {
        try (JsonParser p = new FilteringParserDelegate(mapper.getFactory().createParser(json), EVENT,
                TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
            JsonNode tree = mapper.readTree(p);
            return of(tree == null ? mapper.createObjectNode() : tree);
        }
    }

    /**
     * The resource type of a reference as the consent feature reads it: a base URL ("http(s)://…/Type/id") and a
     * version dropped, the part before the first '/'; "" when there is none ("#contained", "urn:uuid:…").
     */
    private static String typeOf(String ref) {
        String r = ref.trim();
        if (r.startsWith("http://") || r.startsWith("https://")) {
            int last = r.lastIndexOf('/');
            int before = last > 0 ? r.lastIndexOf('/', last - 1) : -1;
            if (before > 0) {
                r = r.substring(before + 1);
            }
        }
        int slash = r.indexOf('/');
        return slash > 0 ? r.substring(0, slash) : "";
    }

    /** The one-string form kept in {@code audit_facts}: equal facts give equal strings. */
    public String encode() {
        StringBuilder b = new StringBuilder(VERSION);
        field(b).append(clean(action));
        field(b).append(clean(typeCode));
        field(b).append(clean(purposeOfEvent));
        field(b);
        for (int i = 0; i < agents.size(); i++) {
            Agent a = agents.get(i);
            if (i > 0) {
                b.append(ITEM);
            }
            b.append(a.requestor() ? '1' : '0').append(PART).append(clean(a.reference())).append(PART)
                    .append(clean(a.userId())).append(PART).append(clean(a.purposeOfUse()));
            for (String r : a.roles()) {
                b.append(PART).append(clean(r));
            }
        }
        field(b).append(join(entityTypes));
        field(b).append(join(labels));
        field(b).append(clean(shownAgent));
        return b.toString();
    }

    /** The facts {@link #encode()} wrote. */
    public static AuditFacts decode(String s) {
        String[] f = s.split(String.valueOf(FIELD), -1);
        if (f.length != 8 || !VERSION.equals(f[0])) {
            throw new IllegalArgumentException("not facts of version " + VERSION + ": " + s);
        }
        List<Agent> agents = new ArrayList<>();
        for (String a : items(f[4])) {
            String[] p = a.split(String.valueOf(PART), -1);
            agents.add(new Agent(p[0].equals("1"), blank(p[1]), blank(p[2]),
                    List.of(p).subList(4, p.length), blank(p[3])));
        }
        return new AuditFacts(blank(f[1]), blank(f[2]), blank(f[3]), agents, items(f[5]), items(f[6]), blank(f[7]));
    }

    private static StringBuilder field(StringBuilder b) {
        return b.append(FIELD);
    }

    private static String join(List<String> values) {
        StringBuilder b = new StringBuilder();
        for (String v : values) {
            if (!b.isEmpty()) {
                b.append(ITEM);
            }
            b.append(clean(v));
        }
        return b.toString();
    }

    private static List<String> items(String field) {
        return field.isEmpty() ? List.of() : List.of(field.split(String.valueOf(ITEM), -1));
    }

    private static String clean(String v) {
        if (v == null) {
            return "";
        }
        if (v.indexOf(FIELD) < 0 && v.indexOf(ITEM) < 0 && v.indexOf(PART) < 0) {
            return v;
        }
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != FIELD && c != ITEM && c != PART) {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String blank(String v) {
        return v.isEmpty() ? null : v;
    }

    private static String code(String system, String code) {
        return (system == null ? "" : system) + "|" + code;
    }

    private static String firstCoding(JsonNode concepts) {
        for (JsonNode cc : array(concepts)) {
            for (JsonNode c : array(cc.get("coding"))) {
                String code = text(c.get("code"));
                if (code != null) {
                    return code(text(c.get("system")), code);
                }
            }
        }
        return null;
    }

    private static Iterable<JsonNode> array(JsonNode n) {
        return n != null && n.isArray() ? n : List.of();
    }

    private static String text(JsonNode n) {
        return n == null || !n.isValueNode() || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }
}
