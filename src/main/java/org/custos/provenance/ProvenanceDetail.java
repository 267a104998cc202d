package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a STU3 Provenance says, element by element, as a reviewer reads it (the detail screen and the command line):
 * targets, period, recorded, policies, location, reasons, activity, each agent (roles, who, on behalf of, related
 * agent type), each entity (role, what, its own agents) and each signature (types, when, who, on behalf of, content
 * type, the blob's size). References are shown with the name the directory gives them ("Name (Practitioner/1)");
 * a local reference to another agent of the same Provenance ("#a1") names that agent. Read from the JSON, leniently:
 * an element of an unexpected shape is shown as absent, never thrown at the reader.
 *
 * @param id the Provenance's id ("" when it has none, as in an X-Provenance header)
 */
public record ProvenanceDetail(String id, List<String> targets, String period, String recorded, List<String> policies,
                               String location, List<String> reasons, String activity, List<Agent> agents,
                               List<Entity> entities, List<Signature> signatures) {

    /** One agent: {@code localId} is its own id (what "#id" refers to), null when it has none. */
    public record Agent(String localId, List<String> roles, String who, String onBehalfOf, String relatedAgentType) {
    }

    /** One entity: derivation, revision, quotation, source or removal; what it is; the agents of the entity. */
    public record Entity(String role, String what, List<Agent> agents) {
    }

    /**
     * One signature: its types, when, who, on behalf of, the content type and the blob's size in bytes, or why the
     * blob cannot be read (not base64).
     */
    public record Signature(List<String> types, String when, String who, String onBehalfOf, String contentType,
                            int blobBytes, String blobProblem) {
    }

    /** The display name of a reference in the Provenance's origin (the people directory); empty when unknown. */
    public static ProvenanceDetail of(JsonNode p, Function<String, Optional<String>> names) {
        Function<String, Optional<String>> n = names == null ? r -> Optional.empty() : names;
        JsonNode agentsNode = p.path("agent");
        Reader r = new Reader(n, agentsNode);
        List<String> targets = new ArrayList<>();
        for (JsonNode t : array(p.get("target"))) {
            targets.add(r.reference(t));
        }
        List<String> policies = new ArrayList<>();
        for (JsonNode u : array(p.get("policy"))) {
            if (text(u) != null) {
                policies.add(text(u));
            }
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode c : array(p.get("reason"))) {
            reasons.add(coding(c));
        }
        List<Entity> entities = new ArrayList<>();
        for (JsonNode e : array(p.get("entity"))) {
            entities.add(new Entity(text(e.get("role")), r.choice(e, "what"), r.agents(e.get("agent"))));
        }
        List<Signature> signatures = new ArrayList<>();
        for (JsonNode s : array(p.get("signature"))) {
            List<String> types = new ArrayList<>();
            for (JsonNode c : array(s.get("type"))) {
                types.add(coding(c));
            }
            String blob = text(s.get("blob"));
            int bytes = -1;
            String problem = null;
            if (blob == null) {
                problem = "no blob";
            } else {
                try {
                    bytes = Base64.getDecoder().decode(blob.replaceAll("\\s", "")).length;
                } catch (IllegalArgumentException e) {
                    problem = "the blob is not base64: " + e.getMessage();
                }
            }
            signatures.add(new Signature(types, text(s.get("when")), r.choice(s, "who"), r.choice(s, "onBehalfOf"),
                    text(s.get("contentType")), bytes, problem));
        }
        JsonNode period = p.get("period");
        String start = period == null ? null : text(period.get("start"));
        String end = period == null ? null : text(period.get("end"));
        String periodText = start == null && end == null ? null
                : (start == null ? "…" : start) + " – " + (end == null ? "…" : end);
        String location = p.has("location") ? r.reference(p.get("location")) : null;
        return new ProvenanceDetail(text(p.get("id")) == null ? "" : text(p.get("id")), targets, periodText,
                text(p.get("recorded")), policies, location, reasons,
                p.has("activity") ? coding(p.get("activity")) : null, r.agents(agentsNode), entities, signatures);
    }

    /**
     * The Provenance resources contained in a resource (STU3 examples keep a signature's Provenance there and refer
     * to it as "#signature"); empty when it holds none.
     */
    public static List<JsonNode> contained(JsonNode resource) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : array(resource.get("contained"))) {
            if ("Provenance".equals(text(c.get("resourceType")))) {
                out.add(c);
            }
        }
        return out;
    }

    /** Reads references and choice elements of one Provenance (whose agents "#id" may name). */
    private record Reader(Function<String, Optional<String>> names, JsonNode provenanceAgents) {
        List<Agent> agents(JsonNode node) {
            List<Agent> out = new ArrayList<>();
            for (JsonNode a : array(node)) {
                List<String> roles = new ArrayList<>();
                for (JsonNode role : array(a.get("role"))) {
                    roles.add(concept(role));
                }
                out.add(new Agent(text(a.get("id")), roles, choice(a, "who"), choice(a, "onBehalfOf"),
                        a.has("relatedAgentType") ? concept(a.get("relatedAgentType")) : null));
            }
            return out;
        }

        /** {@code name}Reference, {@code name}Uri or {@code name}Identifier, in words; null when none. */
        String choice(JsonNode owner, String name) {
            if (owner.has(name + "Reference")) {
                return reference(owner.get(name + "Reference"));
            }
            if (owner.has(name + "Uri")) {
                return local(text(owner.get(name + "Uri")));
            }
            if (owner.has(name + "Identifier")) {
                return identifier(owner.get(name + "Identifier"));
            }
            return null;
        }

        /** A Reference: "Name (Type/id)", the reference alone, its display, or its identifier. */
        String reference(JsonNode ref) {
            String r = text(ref.get("reference"));
            String display = text(ref.get("display"));
            if (r == null) {
                return display != null ? display : ref.has("identifier") ? identifier(ref.get("identifier")) : "?";
            }
            if (r.startsWith("#")) {
                return local(r);
            }
            String name = names.apply(r).orElse(display);
            return name == null ? r : name + " (" + r + ")";
        }

        /** "#a1": the agent of this Provenance with that id, else the text as it is. */
        private String local(String v) {
            if (v == null || !v.startsWith("#")) {
                return v;
            }
            String id = v.substring(1);
            for (JsonNode a : array(provenanceAgents)) {
                if (id.equals(text(a.get("id")))) {
                    String who = a.has("whoReference") ? reference(a.get("whoReference"))
                            : a.has("whoUri") ? text(a.get("whoUri")) : a.has("whoIdentifier")
                            ? identifier(a.get("whoIdentifier")) : "?";
                    return "agent " + id + ": " + who;
                }
            }
            return v + " (not in this Provenance)";
        }
    }

    private static String identifier(JsonNode i) {
        String system = text(i.get("system"));
        String value = text(i.get("value"));
        String type = i.has("type") ? concept(i.get("type")) : null;
        return (type == null ? "" : type + " ") + (value == null ? "?" : value)
                + (system == null ? "" : " (" + system + ")");
    }

    /** A CodeableConcept: its text, else its codings. */
    private static String concept(JsonNode c) {
        String t = text(c.get("text"));
        if (t != null) {
            return t;
        }
        List<String> codes = new ArrayList<>();
        for (JsonNode coding : array(c.get("coding"))) {
            codes.add(coding(coding));
        }
        return codes.isEmpty() ? "?" : String.join(", ", codes);
    }

    /** A Coding: "display (code)", the code alone, or the display alone. */
    private static String coding(JsonNode c) {
        String code = text(c.get("code"));
        String display = text(c.get("display"));
        if (code == null) {
            return display == null ? "?" : display;
        }
        return display == null ? code : display + " (" + code + ")";
    }

    private static Iterable<JsonNode> array(JsonNode n) {
        return n != null && n.isArray() ? n : List.of();
    }

    private static String text(JsonNode n) {
        return n == null || !n.isValueNode() || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }
}
