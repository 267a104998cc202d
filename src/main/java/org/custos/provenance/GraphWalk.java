package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import org.custos.provenance.ProvenanceGraph.Edge;
import org.custos.provenance.ProvenanceGraph.Kind;
import org.custos.provenance.ProvenanceGraph.Node;
import org.custos.provenance.ProvenanceGraph.Source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The breadth-first walk that builds a {@link ProvenanceGraph}; one per graph. It keeps what it found in maps keyed
 * by node key and an edge per (from, to, label); an edge is flagged as closing a cycle when its target already
 * reaches its source (checked only when the source has incoming edges, so a chain costs little).
 */
final class GraphWalk {
    private final Source source;
    private final int max;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, Set<String>> versions = new HashMap<>();
    private final Map<String, Boolean> missing = new HashMap<>();
    private final Map<String, Edge> edges = new LinkedHashMap<>();
    private final Map<String, List<String>> out = new HashMap<>();
    private final Set<String> reached = new HashSet<>();
    private final Set<String> leftOut = new HashSet<>();
    private final Set<String> provenanceRead = new HashSet<>();
    private final Deque<String> queue = new ArrayDeque<>();
    private final Set<String> queued = new HashSet<>();
    private int anonymous;

    GraphWalk(Source source, int max) {
        this.source = source;
        this.max = max;
    }

    ProvenanceGraph run(GraphRef start) {
        resource(start, null);
        queue.add(start.key());
        queued.add(start.key());
        while (!queue.isEmpty()) {
            String r = queue.poll();
            for (JsonNode p : source.provenanceFor(r)) {
                String pk = provenance(p, true);
                if (pk != null) {
                    edge(pk, r, "target");
                }
            }
        }
        // one step forward, after the chain so that the limit leaves these out first
        for (JsonNode p : source.provenanceUsing(start.key())) {
            String pk = provenance(p, false);
            if (pk != null) {
                edge(start.key(), pk, roleOf(p, start.key()));
            }
        }
        List<Node> nodes = new ArrayList<>();
        kinds.forEach((k, kind) -> nodes.add(new Node(k, kind, label(k), missing.getOrDefault(k, false),
                k.equals(start.key()))));
        return new ProvenanceGraph(start.key(), nodes, new ArrayList<>(edges.values()), leftOut.size());
    }

    /**
     * Adds a Provenance with its targets and, when {@code whole}, its entities (walked further) and agents (once);
     * its key, or null when it was left out.
     */
    private String provenance(JsonNode p, boolean whole) {
        String id = text(p.get("id"));
        String pk = id != null ? "Provenance/" + id : "Provenance/(no id " + ++anonymous + ")";
        if (!add(pk, Kind.PROVENANCE)) {
            return null;
        }
        String recorded = text(p.get("recorded"));
        names.putIfAbsent(pk, recorded == null ? pk
                : pk + " · " + recorded.substring(0, Math.min(10, recorded.length())));
        for (JsonNode t : array(p.get("target"))) {
            GraphRef tr = GraphRef.of(text(t.get("reference")));
            if (tr != null && resource(tr, text(t.get("display")))) {
                edge(pk, tr.key(), "target");
            }
        }
        if (!whole || !provenanceRead.add(pk)) {
            return pk;
        }
        agents(p.get("agent"), pk, pk);
        int i = 0;
        for (JsonNode e : array(p.get("entity"))) {
            String ek = entity(e, pk, i++);
            if (ek != null) {
                String role = text(e.get("role"));
                edge(ek, pk, role == null ? "entity" : role);
                agents(e.get("agent"), ek, pk + "/entity/" + i);
            }
        }
        return pk;
    }

    /** The entity's node (walked further when it is a reference); null when left out. */
    private String entity(JsonNode e, String pk, int index) {
        JsonNode what = e.get("whatReference");
        GraphRef r = GraphRef.of(what == null ? text(e.get("whatUri")) : text(what.get("reference")));
        String display = what == null ? null : text(what.get("display"));
        if (r != null && r.key().startsWith("#")) {
            r = new GraphRef(pk + r.key(), null);   // contained in the Provenance: nothing to look up
            return add(r.key(), Kind.RESOURCE) ? r.key() : null;
        }
        if (r != null) {
            if (!resource(r, display)) {
                return null;
            }
            if (queued.add(r.key())) {
                queue.add(r.key());
            }
            return r.key();
        }
        String ident = identifier(e.get("whatIdentifier"));
        if (ident == null && what != null) {
            ident = identifier(what.get("identifier"));
        }
        String key = ident != null ? "identifier " + ident : pk + "/entity/" + index;
        if (!add(key, Kind.RESOURCE)) {
            return null;
        }
        missing.put(key, true);
        names.putIfAbsent(key, ident != null ? key : display != null ? display : "(entity without a reference)");
        return key;
    }

    /** Adds each agent (one node per who, shared) with an edge to {@code to} labelled with its roles. */
    private void agents(JsonNode agents, String to, String anonymousPrefix) {
        int i = 0;
        for (JsonNode a : array(agents)) {
            i++;
            String who = party(a, "who", anonymousPrefix + "/agent/" + i);
            if (who == null) {
                continue;
            }
            Set<String> roles = new LinkedHashSet<>();
            for (JsonNode role : array(a.get("role"))) {
                for (JsonNode c : array(role.get("coding"))) {
                    if (text(c.get("code")) != null) {
                        roles.add(text(c.get("code")));
                    }
                }
            }
            edge(who, to, roles.isEmpty() ? "agent" : String.join(", ", roles));
            String behalf = party(a, "onBehalfOf", null);
            if (behalf != null) {
                edge(behalf, who, "on behalf of");
            }
        }
    }

    /** An agent node from {@code name}Reference / Uri / Identifier; null when there is none or it was left out. */
    private String party(JsonNode a, String name, String fallback) {
        JsonNode ref = a.get(name + "Reference");
        GraphRef r = GraphRef.of(ref == null ? text(a.get(name + "Uri")) : text(ref.get("reference")));
        String display = ref == null ? null : text(ref.get("display"));
        String ident = identifier(a.get(name + "Identifier"));
        if (ident == null && ref != null) {
            ident = identifier(ref.get("identifier"));
        }
        String key = r != null ? r.key() : ident != null ? "identifier " + ident : null;
        if (key == null) {
            key = fallback;
            display = display == null ? "(agent without a reference)" : display;
        }
        if (key == null || !add(key, Kind.AGENT)) {
            return null;
        }
        if (display != null) {
            names.putIfAbsent(key, r == null ? display : display + " (" + key + ")");
        }
        return key;
    }

    /** Adds a resource node (missing when the cache lacks it); false when it was left out. */
    private boolean resource(GraphRef r, String display) {
        if (!add(r.key(), Kind.RESOURCE)) {
            return false;
        }
        missing.computeIfAbsent(r.key(), k -> !source.known(k));
        if (r.version() != null) {
            versions.computeIfAbsent(r.key(), k -> new TreeSet<>()).add(r.version());
        }
        if (display != null) {
            names.putIfAbsent(r.key(), display);
        }
        return true;
    }

    /** Whether {@code key} is (now) in the graph; a new one past the limit is counted as left out. */
    private boolean add(String key, Kind kind) {
        if (kinds.containsKey(key)) {
            return true;
        }
        if (kinds.size() >= max) {
            leftOut.add(key);
            return false;
        }
        kinds.put(key, kind);
        return true;
    }

    private void edge(String from, String to, String label) {
        String id = from + "\n" + to + "\n" + label;
        if (edges.containsKey(id)) {
            return;
        }
        edges.put(id, new Edge(from, to, label, reaches(to, from)));
        out.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
        reached.add(to);
    }

    /** Whether {@code to} is reachable from {@code from} along the edges so far. */
    private boolean reaches(String from, String to) {
        if (from.equals(to)) {
            return true;
        }
        if (!out.containsKey(from) || !reached.contains(to)) {
            return false;
        }
        Set<String> seen = new HashSet<>(Set.of(from));
        Deque<String> todo = new ArrayDeque<>(seen);
        while (!todo.isEmpty()) {
            for (String next : out.getOrDefault(todo.poll(), List.of())) {
                if (next.equals(to)) {
                    return true;
                }
                if (seen.add(next)) {
                    todo.add(next);
                }
            }
        }
        return false;
    }

    private String label(String key) {
        String name = names.get(key);
        Set<String> v = versions.get(key);
        String base = name == null ? key : name.contains(key) || kinds.get(key) != Kind.RESOURCE ? name
                : name + " (" + key + ")";
        if (v == null) {
            return base;
        }
        return base + (v.size() == 1 ? ", version " : ", versions ") + String.join(", ", v);
    }

    /** The role of the entity of {@code p} that is {@code key}; "entity" when it has none. */
    private static String roleOf(JsonNode p, String key) {
        for (JsonNode e : array(p.get("entity"))) {
            JsonNode what = e.get("whatReference");
            GraphRef r = GraphRef.of(what == null ? text(e.get("whatUri")) : text(what.get("reference")));
            if (r != null && r.key().equals(key) && text(e.get("role")) != null) {
                return text(e.get("role"));
            }
        }
        return "entity";
    }

    private static String identifier(JsonNode i) {
        String value = i == null ? null : text(i.get("value"));
        if (value == null) {
            return null;
        }
        String system = text(i.get("system"));
        return system == null ? value : system + "|" + value;
    }

    private static Iterable<JsonNode> array(JsonNode n) {
        return n != null && n.isArray() ? n : List.of();
    }

    private static String text(JsonNode n) {
        return n == null || !n.isValueNode() || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }
}
