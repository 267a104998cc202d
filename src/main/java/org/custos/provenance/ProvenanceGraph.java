package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * The derivation chain around one resource, as an immutable graph: the resource, the Provenance that targets it,
 * the entities those were derived from (each role an edge label), their own Provenance, and so on backwards, with
 * every agent; plus one step forward (Provenance that used the start resource as an entity, and their targets) when
 * the {@link Source} can say. Edges point the way things flowed: entity → Provenance → target, agent → Provenance,
 * "on behalf of" → agent.
 * <p>
 * Built breadth-first from raw references in the Provenance JSON (not the display strings of
 * {@link ProvenanceDetail}), normalised by {@link #key(String)} so that versions and absolute URLs of one resource
 * are one node (the versions stay in its label). Nothing found is fatal: a resource the cache does not hold is a
 * {@code missing} node, an edge that would close a cycle is kept and flagged {@code closesCycle} (the walk does not
 * go round again), and past {@code maxNodes} the walk stops adding nodes and counts those it left out.
 *
 * @param start    the start resource's key
 * @param nodes    in the order the walk found them; the start first
 * @param edges    each (from, to, label) once
 * @param leftOut  nodes referenced from the graph but left out past {@code maxNodes} (at least this many: their own
 *                 chains were not read)
 */
public record ProvenanceGraph(String start, List<Node> nodes, List<Edge> edges, int leftOut) {

    /** What a node stands for. */
    public enum Kind { RESOURCE, PROVENANCE, AGENT }

    /**
     * One node. {@code missing}: a resource the graph could not find in the cache (or one named only by an identifier
     * or a display); agents are people, devices and organisations the cache does not keep, and are never missing.
     */
    public record Node(String key, Kind kind, String label, boolean missing, boolean start) {
    }

    /** A directed edge between two node keys; {@code closesCycle} when it closes a cycle of the walk. */
    public record Edge(String from, String to, String label, boolean closesCycle) {
    }

    /** Where the walk reads from: the cache (or a server). */
    public interface Source {
        /** The Provenance resources (JSON) whose target is the resource {@code ref} ("Type/id"). */
        List<JsonNode> provenanceFor(String ref);

        /** Whether the resource {@code ref} is held in the cache. */
        boolean known(String ref);

        /** The Provenance resources that name {@code ref} as an entity (one step forward); none by default. */
        default List<JsonNode> provenanceUsing(String ref) {
            return List.of();
        }
    }

    public ProvenanceGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /**
     * The chain around {@code startRef} (any reference form), at most {@code maxNodes} nodes (at least 1).
     */
    public static ProvenanceGraph around(String startRef, Source source, int maxNodes) {
        if (maxNodes < 1) {
            throw new IllegalArgumentException("maxNodes must be at least 1: " + maxNodes);
        }
        GraphRef s = GraphRef.of(startRef);
        if (s == null) {
            throw new IllegalArgumentException("no start reference");
        }
        return new GraphWalk(source, maxNodes).run(s);
    }

    /** The graph's key of a reference: "Type/id" for relative, versioned and absolute references; null when blank. */
    public static String key(String reference) {
        GraphRef r = GraphRef.of(reference);
        return r == null ? null : r.key();
    }

    /** Whether nodes were left out past {@code maxNodes}. */
    public boolean truncated() {
        return leftOut > 0;
    }

    public Optional<Node> node(String key) {
        return nodes.stream().filter(n -> n.key().equals(key)).findFirst();
    }
}
