package org.custos.access;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads what an access review needs of one AuditEvent's JSON: who (the requesting agent, else the first), what
 * (action, type, subtype, outcome, the kinds of record touched), where (the source's site), why (purposes), the
 * patient's name as the event gives it, and whether it is a Custos trail event. Lenient: an element of an
 * unexpected shape is taken as absent, never an error. Only the elements read are parsed into a tree (an entity's
 * query and details, the narrative, are skipped unread). Shared by the privacy officer's patient access view and
 * the patient's own "who looked at my record".
 */
public final class AccessReader {
    /** Purpose codes that mark a break-the-glass access (v3 ActReason; any system, any case). */
    public static final Set<String> BREAK_THE_GLASS = Set.of("BTG", "ETREAT");
    /** The key of the user of an event that names no agent at all. */
    public static final String NO_AGENT = "(no agent recorded)";

    /**
     * What one event says (see the class comment); {@code patientName}: a patient entity's name, or null;
     * {@code site}: the source's site, or null; {@code recordTypes}: the resource types of the other entities it
     * names ("Observation"), each once; {@code trail}: tagged as a Custos trail event; {@code requestor}: the user is
     * the agent marked as the requestor (not merely the first agent listed).
     */
    public record Access(String userKey, String userReference, String userName, String userId, List<String> roles,
                         String action, String type, String outcome, List<String> purposes, boolean breakTheGlass,
                         String patientName, String site, List<String> recordTypes, boolean trail,
                         boolean requestor) {
        /** An outcome other than 0 (success); an event that gives none is not counted as failed. */
        public boolean failed() {
            return outcome != null && !outcome.equals("0");
        }
    }

    private static final Set<String> WHOLE = Set.of("action", "type", "subtype", "outcome", "purposeOfEvent",
            "agent", "source", "meta");
    private static final Set<String> OF_ENTITY = Set.of("reference", "identifier", "name", "role", "type");

    private static final TokenFilter ENTITY = new TokenFilter() {
        @Override
        public TokenFilter includeProperty(String name) {
            return OF_ENTITY.contains(name) ? TokenFilter.INCLUDE_ALL : null;
        }
    };

    private static final TokenFilter ENTITIES = new TokenFilter() {
        @Override
        public TokenFilter includeElement(int index) {
            return ENTITY;
        }

        @Override
        public TokenFilter includeProperty(String name) {
            return null;
        }
    };

    private static final TokenFilter EVENT = new TokenFilter() {
        @Override
        public TokenFilter includeProperty(String name) {
            return WHOLE.contains(name) ? TokenFilter.INCLUDE_ALL : "entity".equals(name) ? ENTITIES : null;
        }
    };

    private final ObjectMapper mapper = new ObjectMapper();

    /** Reads an event's stored text; null when it is not JSON at all. */
    public Access read(String json) {
        try (JsonParser p = new FilteringParserDelegate(mapper.getFactory().createParser(json), EVENT,
                TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
            JsonNode tree = mapper.readTree(p);
            return of(tree == null ? mapper.createObjectNode() : tree);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The access one event (a parsed tree) records. */
    public static Access of(JsonNode ev) {
        JsonNode user = null;
        for (JsonNode a : array(ev.get("agent"))) {
            if (!a.isObject()) {
                continue;
            }
            if (user == null || a.path("requestor").asBoolean(false) && !user.path("requestor").asBoolean(false)) {
                user = a;
            }
        }
        String reference = null;
        String name = null;
        String userId = null;
        List<String> roles = new ArrayList<>();
        if (user != null) {
            reference = stripHistory(text(user.path("reference").get("reference")));
            userId = text(user.path("userId").get("value"));
            name = text(user.get("name"));
            if (name == null) {
                name = text(user.path("reference").get("display"));
            }
            for (JsonNode role : array(user.get("role"))) {
                String r = conceptText(role);
                if (r != null && !roles.contains(r)) {
                    roles.add(r);
                }
            }
        }
        String key = userId != null ? userId : reference != null ? reference : name != null ? name : NO_AGENT;

        Set<String> purposes = new LinkedHashSet<>();
        codes(ev.get("purposeOfEvent"), purposes);
        for (JsonNode a : array(ev.get("agent"))) {
            codes(a.get("purposeOfUse"), purposes);
        }
        boolean btg = false;
        for (String p : purposes) {
            btg |= BREAK_THE_GLASS.contains(p.toUpperCase(Locale.ROOT));
        }

        String patientName = null;
        Set<String> recordTypes = new LinkedHashSet<>();
        for (JsonNode e : array(ev.get("entity"))) {
            if (isPatient(e)) {
                if (patientName == null) {
                    patientName = text(e.get("name"));
                    if (patientName == null) {
                        patientName = text(e.path("reference").get("display"));
                    }
                }
            } else {
                String type = typeOf(stripHistory(text(e.path("reference").get("reference"))));
                if (type == null) {
                    // a search names no record, only the kind it looked through (its entity's type)
                    String code = text(e.path("type").get("code"));
                    type = code != null && code.matches("[A-Z][A-Za-z]+") ? code : null;
                }
                if (type != null) {
                    recordTypes.add(type);
                }
            }
        }
        boolean trail = false;
        for (JsonNode t : array(ev.path("meta").get("tag"))) {
            trail |= TRAIL_TAG.equals(text(t.get("system")));
        }
        return new Access(key, reference, name, userId, roles, text(ev.get("action")), type(ev),
                text(ev.get("outcome")), List.copyOf(purposes), btg, patientName, text(ev.path("source").get("site")),
                List.copyOf(recordTypes), trail, user != null && user.path("requestor").asBoolean(false));
    }

    /** The tag system of Custos's own trail events (as {@code cache.TrailWrites.TAG}). */
    public static final String TRAIL_TAG = "urn:custos:trail";

    /** "Observation" of "Observation/1" or "http://x/fhir/Observation/1"; null for anything else. */
    private static String typeOf(String ref) {
        if (ref == null || ref.startsWith("#") || ref.startsWith("urn:")) {
            return null;
        }
        String[] parts = ref.split("/");
        if (parts.length < 2) {
            return null;
        }
        String type = parts[parts.length - 2];
        return type.matches("[A-Z][A-Za-z]+") ? type : null;
    }

    /** "display · subtype display" of the event type, with codes where a coding has no display. */
    private static String type(JsonNode ev) {
        String type = codingText(ev.get("type"));
        List<String> subs = new ArrayList<>();
        for (JsonNode s : array(ev.get("subtype"))) {
            String t = codingText(s);
            if (t != null) {
                subs.add(t);
            }
        }
        String sub = String.join(", ", subs);
        if (type == null) {
            return sub.isEmpty() ? null : sub;
        }
        return sub.isEmpty() ? type : type + " · " + sub;
    }

    /** An entity in the patient role (object-role 1) or referring to a Patient. */
    private static boolean isPatient(JsonNode e) {
        String ref = text(e.path("reference").get("reference"));
        if (ref != null && (ref.startsWith("Patient/") || ref.contains("/Patient/"))) {
            return true;
        }
        return "1".equals(text(e.path("role").get("code")));
    }

    private static String codingText(JsonNode coding) {
        if (coding == null || !coding.isObject()) {
            return null;
        }
        String display = text(coding.get("display"));
        return display != null ? display : text(coding.get("code"));
    }

    /** A CodeableConcept as words: its text, else its first coding's display, else its first code. */
    private static String conceptText(JsonNode concept) {
        if (concept == null || !concept.isObject()) {
            return null;
        }
        String t = text(concept.get("text"));
        if (t != null) {
            return t;
        }
        for (JsonNode c : array(concept.get("coding"))) {
            String d = codingText(c);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static void codes(JsonNode concepts, Set<String> into) {
        for (JsonNode cc : array(concepts)) {
            for (JsonNode c : array(cc.get("coding"))) {
                String code = text(c.get("code"));
                if (code != null) {
                    into.add(code.trim());
                }
            }
        }
    }

    private static String stripHistory(String ref) {
        if (ref == null) {
            return null;
        }
        int h = ref.indexOf("/_history/");
        return h > 0 ? ref.substring(0, h) : ref;
    }

    private static Iterable<JsonNode> array(JsonNode n) {
        return n != null && n.isArray() ? n : List.of();
    }

    private static String text(JsonNode n) {
        return n == null || !n.isValueNode() || n.isNull() || n.asText().isBlank() ? null : n.asText().trim();
    }
}
