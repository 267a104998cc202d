package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** STU3 Provenance JSON made in the tests, and a {@link ProvenanceGraph.Source} over them. */
final class GraphFixtures implements ProvenanceGraph.Source {
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<JsonNode> provenances = new ArrayList<>();
    final Set<String> known = new HashSet<>();
    final Map<String, Integer> asked = new LinkedHashMap<>();

    /** A Provenance to be built: {@code add} it when done. */
    final class Prov {
        final ObjectNode json = mapper.createObjectNode();

        Prov(String id, String... targets) {
            json.put("resourceType", "Provenance").put("id", id).put("recorded", "2017-03-04T10:00:00Z");
            ArrayNode t = json.putArray("target");
            for (String r : targets) {
                t.addObject().put("reference", r);
            }
        }

        Prov entity(String role, String reference) {
            ObjectNode e = json.withArray("entity").addObject();
            e.put("role", role);
            e.putObject("whatReference").put("reference", reference);
            return this;
        }

        Prov entityJson(ObjectNode entity) {
            json.withArray("entity").add(entity);
            return this;
        }

        Prov agent(String role, String who) {
            return agent(role, who, null);
        }

        Prov agent(String role, String who, String onBehalfOf) {
            ObjectNode a = json.withArray("agent").addObject();
            if (role != null) {
                a.putArray("role").addObject().putArray("coding").addObject()
                        .put("system", "http://hl7.org/fhir/v3/ParticipationType").put("code", role);
            }
            a.putObject("whoReference").put("reference", who);
            if (onBehalfOf != null) {
                a.putObject("onBehalfOfReference").put("reference", onBehalfOf);
            }
            return this;
        }

        GraphFixtures add() {
            provenances.add(json);
            return GraphFixtures.this;
        }
    }

    Prov prov(String id, String... targets) {
        return new Prov(id, targets);
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    GraphFixtures know(String... refs) {
        known.addAll(List.of(refs));
        return this;
    }

    @Override
    public List<JsonNode> provenanceFor(String ref) {
        asked.merge(ref, 1, Integer::sum);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : provenances) {
            for (JsonNode t : p.path("target")) {
                if (ref.equals(ProvenanceGraph.key(t.path("reference").asText()))) {
                    out.add(p);
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public boolean known(String ref) {
        return known.contains(ref);
    }

    @Override
    public List<JsonNode> provenanceUsing(String ref) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : provenances) {
            for (JsonNode e : p.path("entity")) {
                if (ref.equals(ProvenanceGraph.key(e.path("whatReference").path("reference").asText()))) {
                    out.add(p);
                    break;
                }
            }
        }
        return out;
    }

    /**
     * A derivation chain: Provenance/p{i} targets Observation/{i} and derives it from Observation/{i+1}, by
     * Practitioner/{i % 7} on behalf of Organization/{i % 3}; every fifth also has a DocumentReference/{i} as a
     * source that the cache does not hold. {@code 2.2 n + 11} nodes for n a multiple of 5 (n ≥ 7).
     */
    static GraphFixtures chain(int n) {
        GraphFixtures f = new GraphFixtures();
        for (int i = 0; i < n; i++) {
            f.know("Observation/" + i);
            Prov p = f.prov("p" + i, "Observation/" + i).entity("derivation", "Observation/" + (i + 1))
                    .agent("author", "Practitioner/" + (i % 7), "Organization/" + (i % 3));
            if (i % 5 == 0) {
                p.entity("source", "DocumentReference/" + i);
            }
            p.add();
        }
        f.know("Observation/" + n);
        return f;
    }

    /**
     * A bushy derivation: Observation/0 derived from three, each of those from three, and so on breadth-first up to
     * Observation/{observations - 1}; Provenance/t{i} by Practitioner/{i % 11} on behalf of Organization/{i % 4}.
     */
    static GraphFixtures tree(int observations) {
        GraphFixtures f = new GraphFixtures();
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(List.of(0));
        int next = 1;
        for (int i = 0; next < observations; i++) {
            int r = todo.poll();
            f.know("Observation/" + r);
            Prov p = f.prov("t" + i, "Observation/" + r)
                    .agent("author", "Practitioner/" + (i % 11), "Organization/" + (i % 4));
            for (int k = 0; k < 3 && next < observations; k++) {
                p.entity(k == 0 ? "derivation" : "source", "Observation/" + next);
                todo.add(next++);
            }
            p.add();
        }
        return f;
    }
}
