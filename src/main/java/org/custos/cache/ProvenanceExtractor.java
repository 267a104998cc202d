package org.custos.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code provenance_search} and {@code provenance_ref} hold for the current version of a resource: a row for a
 * Provenance, and one for each Provenance contained in a resource of another type (the examples' MedicationRequest
 * and Task carry their signature's Provenance that way). Read from the JSON with Jackson, leniently: an element of an
 * odd shape is left out, never thrown (the raw text stays the truth).
 */
final class ProvenanceExtractor {
    private static final char US = '\u001F';
    static final int KEY_MAX = 600;

    /** One list row: {@code part} 0 for a Provenance of its own, n for the n-th contained one. */
    record Row(int part, String provId, String container, long recorded, Long periodStart, Long periodEnd,
               String activity, String targets, String agents, String entities, int signatures, Set<String> keys) {
    }

    private ProvenanceExtractor() {
    }

    /** The rows of a resource's text (none when it is no Provenance and contains none, or is not JSON). */
    static List<Row> extract(ObjectMapper mapper, String type, String id, String json) {
        if (!type.equals("Provenance") && !json.contains("\"Provenance\"")) {
            return List.of();
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of();
        }
        return extract(type, id, tree);
    }

    static List<Row> extract(String type, String id, JsonNode tree) {
        List<Row> out = new ArrayList<>();
        if (type.equals("Provenance")) {
            out.add(row(0, id, null, tree));
        }
        int part = 0;
        for (JsonNode c : tree.path("contained")) {
            if ("Provenance".equals(c.path("resourceType").asText(null))) {
                part++;
                out.add(row(part, c.path("id").asText(""), type + "/" + id, c));
            }
        }
        return out;
    }

    private static Row row(int part, String id, String container, JsonNode p) {
        Set<String> keys = new LinkedHashSet<>();
        List<String> targets = new ArrayList<>();
        for (JsonNode t : p.path("target")) {
            String r = t.path("reference").asText("");
            if (!r.isEmpty()) {
                targets.add(r);
                key(keys, "t:", r);
            }
        }
        List<String> agents = new ArrayList<>();
        for (JsonNode a : p.path("agent")) {
            String who = who(a, "who");
            if (who != null) {
                agents.add(who);
                key(keys, "g:", who);
            }
            String obo = who(a, "onBehalfOf");
            if (obo != null) {
                agents.add((who == null ? "(no who)" : who) + " on behalf of " + obo);
                key(keys, "g:", obo);
            }
        }
        List<String> entities = new ArrayList<>();
        for (JsonNode e : p.path("entity")) {
            String what = e.path("whatReference").path("reference").asText(e.path("whatUri").asText(
                    e.path("whatIdentifier").path("value").asText("")));
            if (!what.isEmpty()) {
                entities.add(e.path("role").asText("") + US + what);
                key(keys, "e:", what);
            }
        }
        JsonNode act = p.path("activity");
        String code = act.path("code").asText("");
        String activity = code.isEmpty() && act.path("display").asText("").isEmpty() ? null
                : code + US + act.path("display").asText("");
        if (!code.isEmpty()) {
            keys.add(cut("a:" + code.toLowerCase(Locale.ROOT)));
        }
        Long recorded = SearchExtractor.time(p.path("recorded").asText(null), false);
        JsonNode period = p.path("period");
        return new Row(part, cut128(id), container, recorded == null ? 0 : recorded,
                SearchExtractor.time(period.path("start").asText(null), false),
                SearchExtractor.time(period.path("end").asText(null), true), activity == null ? null
                : AuditStore.cut(activity, 1024), String.join("\n", targets), String.join("\n", agents),
                String.join("\n", entities), p.path("signature").isArray() ? p.path("signature").size() : 0, keys);
    }

    private static String who(JsonNode agent, String prefix) {
        String ref = agent.path(prefix + "Reference").path("reference").asText("");
        if (!ref.isEmpty()) {
            return ref;
        }
        String uri = agent.path(prefix + "Uri").asText("");
        if (!uri.isEmpty()) {
            return uri;
        }
        String idv = agent.path(prefix + "Reference").path("identifier").path("value").asText("");
        return idv.isEmpty() ? null : idv;
    }

    /** A reference as the filters know it: "type/id" lower case (version and server dropped), else the text. */
    static String key(String ref) {
        String r = SearchExtractor.reference(ref);
        return (r == null ? ref.trim() : r).toLowerCase(Locale.ROOT);
    }

    private static void key(Set<String> keys, String kind, String ref) {
        keys.add(cut(kind + key(ref)));
    }

    private static String cut(String k) {
        return k.length() <= KEY_MAX ? k : k.substring(0, KEY_MAX);
    }

    private static String cut128(String s) {
        return s.length() <= 128 ? s : s.substring(0, 128);
    }
}
