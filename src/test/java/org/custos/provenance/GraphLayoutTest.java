package org.custos.provenance;

import org.custos.provenance.GraphLayout.Box;
import org.custos.provenance.GraphLayout.PlacedEdge;
import org.custos.provenance.GraphLayout.PlacedNode;
import org.custos.provenance.GraphLayout.Point;
import org.custos.provenance.GraphLayout.Result;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** ELK lays the derivation graph out: boxes apart, every edge from its source's box to its target's. */
class GraphLayoutTest {
    private final GraphLayout layout = new GraphLayout();

    @Test
    void aThousandNodeChainIsLaidOutWithoutOverlap() {
        ProvenanceGraph g = ProvenanceGraph.around("Observation/0", GraphFixtures.chain(450), 2000);
        assertThat(g.nodes()).hasSize(1001);
        assertThat(g.truncated()).isFalse();
        Result r = timed("chain", g);
        assertWellFormed(r);
        // the shared agents' edges to Provenance far down the chain are drawn straight; the chain itself is not
        assertThat(r.edges()).filteredOn(PlacedEdge::straight).isNotEmpty()
                .allMatch(e -> e.edge().label().equals("author") || e.edge().label().equals("on behalf of"));
        assertThat(r.edges()).filteredOn(e -> e.edge().label().equals("derivation")).noneMatch(PlacedEdge::straight);
    }

    @Test
    void aThousandNodeTreeIsLaidOutWithoutOverlap() {
        ProvenanceGraph g = ProvenanceGraph.around("Observation/0", GraphFixtures.tree(740), 2000);
        assertThat(g.nodes()).hasSize(1002);
        assertWellFormed(timed("tree", g));
    }

    private Result timed(String what, ProvenanceGraph g) {
        long t0 = System.nanoTime();
        Result r = layout.layout(g);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long straight = r.edges().stream().filter(PlacedEdge::straight).count();
        System.out.printf("GraphLayoutTest %s: %d nodes, %d edges (%d straight) laid out in %d ms (%.0f x %.0f px)%n",
                what, g.nodes().size(), g.edges().size(), straight, ms, r.width(), r.height());
        assertThat(ms).as("layout time (ms)").isLessThan(20_000);
        return r;
    }

    @Test
    void cyclesAndMissingNodesAreLaidOutLikeTheRest() {
        GraphFixtures f = new GraphFixtures().know("Observation/a", "Observation/b");
        f.prov("1", "Observation/a").entity("derivation", "Observation/b").agent("author", "Practitioner/1").add();
        f.prov("2", "Observation/b").entity("revision", "Observation/a").entity("source", "Binary/404")
                .agent("author", "Practitioner/1").add();
        ProvenanceGraph g = ProvenanceGraph.around("Observation/a", f, 100);
        assertThat(g.edges()).filteredOn(ProvenanceGraph.Edge::closesCycle).hasSize(1);
        Result r = layout.layout(g);
        assertWellFormed(r);
        PlacedEdge cycle = r.edges().stream().filter(e -> e.edge().closesCycle()).findFirst().orElseThrow();
        assertThat(cycle.points().size()).as("a reversed edge is routed around").isGreaterThan(2);
        // the start is the last layer: the flow goes left to right
        double startX = r.node("Observation/a").orElseThrow().box().x();
        assertThat(r.node("Observation/b").orElseThrow().box().x()).isLessThan(startX);
    }

    @Test
    void nodeWidthFollowsTheLabelAndLongLabelsAreCut() {
        GraphFixtures f = new GraphFixtures();
        f.prov("1", "Observation/1").agent("author", "Practitioner/" + "x".repeat(100)).add();
        Result r = new GraphLayout(s -> s.length() * 10.0).layout(ProvenanceGraph.around("Observation/1", f, 10));
        PlacedNode start = r.node("Observation/1").orElseThrow();
        assertThat(start.box().width()).isEqualTo("Observation/1".length() * 10.0 + 24);
        assertThat(start.box().height()).isEqualTo(GraphLayout.NODE_HEIGHT);
        PlacedNode agent = r.node("Practitioner/" + "x".repeat(100)).orElseThrow();
        assertThat(agent.text()).hasSize(GraphLayout.MAX_CHARS).endsWith("…");
        assertThat(agent.box().width()).isEqualTo(GraphLayout.MAX_CHARS * 10.0 + 24);
        // top-down: the agent's layer is above the start's, the drawing as wide as its widest node and as tall as both
        assertThat(r.width()).isGreaterThanOrEqualTo(agent.box().width());
        assertThat(r.height()).isGreaterThan(start.box().height() + agent.box().height());
    }

    /** No two boxes overlap, all lie in the drawing, and every edge runs from its source's border to its target's. */
    static void assertWellFormed(Result r) {
        List<PlacedNode> nodes = r.nodes();
        assertThat(nodes).hasSameSizeAs(r.graph().nodes());
        for (int i = 0; i < nodes.size(); i++) {
            Box a = nodes.get(i).box();
            assertThat(a.x()).isGreaterThanOrEqualTo(0);
            assertThat(a.y()).isGreaterThanOrEqualTo(0);
            assertThat(a.x() + a.width()).isLessThanOrEqualTo(r.width());
            assertThat(a.y() + a.height()).isLessThanOrEqualTo(r.height());
            for (int j = i + 1; j < nodes.size(); j++) {
                assertThat(a.overlaps(nodes.get(j).box())).as("%s overlaps %s", nodes.get(i).node().key(),
                        nodes.get(j).node().key()).isFalse();
            }
        }
        Map<String, Box> boxes = nodes.stream().collect(Collectors.toMap(n -> n.node().key(), PlacedNode::box,
                (x, y) -> x));
        assertThat(r.edges()).hasSameSizeAs(r.graph().edges());
        for (PlacedEdge e : r.edges()) {
            List<Point> p = e.points();
            assertThat(p).as(e.edge().toString()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(boxes.get(e.edge().from()).onBorder(p.get(0), 0.5)).as("%s starts at %s", e.edge(), p.get(0))
                    .isTrue();
            assertThat(boxes.get(e.edge().to()).onBorder(p.get(p.size() - 1), 0.5))
                    .as("%s ends at %s", e.edge(), p.get(p.size() - 1)).isTrue();
            assertThat(e.labelBox()).as("label of " + e.edge()).isNotNull();
        }
        Function<Box, Boolean> inside = b -> b.x() >= 0 && b.y() >= 0 && b.x() + b.width() <= r.width()
                && b.y() + b.height() <= r.height();
        assertThat(r.edges()).allMatch(e -> inside.apply(e.labelBox()));
    }
}
