package org.custos.provenance;

import org.custos.provenance.ProvenanceGraph.Edge;
import org.custos.provenance.ProvenanceGraph.Kind;
import org.custos.provenance.ProvenanceGraph.Node;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The derivation graph around a resource: the walk, cycles, missing resources, shared agents, the node limit. */
class ProvenanceGraphTest {

    @Test
    void aChainIsWalkedBackwardsWithItsAgents() {
        ProvenanceGraph g = ProvenanceGraph.around("Observation/0", GraphFixtures.chain(10), 100);
        assertThat(g.start()).isEqualTo("Observation/0");
        assertThat(g.nodes()).hasSize(2 * 10 + 2 + 11);   // 10 Provenance, 11 Observations, 2 documents, 7 + 3 agents
        assertThat(g.nodes().get(0)).isEqualTo(new Node("Observation/0", Kind.RESOURCE, "Observation/0", false, true));
        assertThat(g.nodes()).filteredOn(Node::start).hasSize(1);
        assertThat(g.truncated()).isFalse();
        assertThat(g.leftOut()).isZero();
        assertThat(g.edges()).contains(
                new Edge("Provenance/p0", "Observation/0", "target", false),
                new Edge("Observation/1", "Provenance/p0", "derivation", false),
                new Edge("DocumentReference/0", "Provenance/p0", "source", false),
                new Edge("Practitioner/0", "Provenance/p0", "author", false),
                new Edge("Organization/0", "Practitioner/0", "on behalf of", false),
                new Edge("Provenance/p9", "Observation/9", "target", false));
        assertThat(g.edges()).noneMatch(Edge::closesCycle);
        assertThat(g.node("Provenance/p3")).get().extracting(Node::kind, Node::label)
                .containsExactly(Kind.PROVENANCE, "Provenance/p3 · 2017-03-04");
        assertThat(g.node("Practitioner/3")).get().extracting(Node::kind).isEqualTo(Kind.AGENT);
    }

    @Test
    void aCycleEndsAndOnlyItsClosingEdgeIsFlagged() {
        GraphFixtures f = new GraphFixtures().know("Observation/a", "Observation/b", "Observation/c");
        f.prov("1", "Observation/a").entity("derivation", "Observation/b").add();
        f.prov("2", "Observation/b").entity("revision", "Observation/c").add();
        f.prov("3", "Observation/c").entity("derivation", "Observation/a/_history/1").add();
        ProvenanceGraph g = ProvenanceGraph.around("Observation/a", f, 100);
        assertThat(g.nodes()).extracting(Node::key).containsExactly("Observation/a", "Provenance/1",
                "Observation/b", "Provenance/2", "Observation/c", "Provenance/3");
        assertThat(g.edges()).filteredOn(Edge::closesCycle)
                .containsExactly(new Edge("Observation/a", "Provenance/3", "derivation", true));
        assertThat(g.edges()).hasSize(6);
        assertThat(f.asked).containsEntry("Observation/a", 1).containsEntry("Observation/c", 1);
        assertThat(g.node("Observation/a")).get().extracting(Node::label)
                .isEqualTo("Observation/a, version 1");
    }

    @Test
    void aResourceDerivedFromItselfIsACycleOfTwoEdges() {
        GraphFixtures f = new GraphFixtures().know("Observation/a");
        f.prov("1", "Observation/a").entity("revision", "Observation/a").add();
        ProvenanceGraph g = ProvenanceGraph.around("Observation/a", f, 100);
        assertThat(g.edges()).containsExactly(new Edge("Provenance/1", "Observation/a", "target", false),
                new Edge("Observation/a", "Provenance/1", "revision", true));
    }

    @Test
    void aMissingEntityIsAMissingNode() {
        GraphFixtures f = new GraphFixtures().know("Observation/1", "Patient/1");
        f.prov("1", "Observation/1").entity("derivation", "Observation/404").entity("source", "Patient/1")
                .entityJson(f.object().put("role", "quotation")
                        .set("whatIdentifier", f.object().put("system", "urn:x").put("value", "doc-9")))
                .add();
        ProvenanceGraph g = ProvenanceGraph.around("Observation/1", f, 100);
        assertThat(g.nodes()).extracting(Node::key, Node::missing).containsExactly(
                tuple("Observation/1", false), tuple("Provenance/1", false), tuple("Observation/404", true),
                tuple("Patient/1", false), tuple("identifier urn:x|doc-9", true));
        assertThat(g.edges()).contains(new Edge("identifier urn:x|doc-9", "Provenance/1", "quotation", false));
    }

    @Test
    void anAgentSharedByManyProvenanceIsOneNode() {
        GraphFixtures f = new GraphFixtures();
        f.prov("1", "Observation/1").entity("derivation", "Observation/2").agent("author", "Practitioner/7").add();
        f.prov("2", "Observation/2").entity("derivation", "Observation/3")
                .agent("verifier", "http://server/fhir/Practitioner/7/_history/4").add();
        f.prov("3", "Observation/3").agent(null, "Practitioner/7").agent("author", "Device/1").add();
        ProvenanceGraph g = ProvenanceGraph.around("Observation/1", f, 100);
        assertThat(g.nodes()).filteredOn(n -> n.kind() == Kind.AGENT).extracting(Node::key)
                .containsExactly("Practitioner/7", "Device/1");
        assertThat(g.edges()).filteredOn(e -> e.from().equals("Practitioner/7"))
                .extracting(Edge::to, Edge::label).containsExactly(tuple("Provenance/1", "author"),
                        tuple("Provenance/2", "verifier"), tuple("Provenance/3", "agent"));
    }

    @Test
    void pastMaxNodesTheWalkStopsAndSaysHowManyWereLeftOut() {
        GraphFixtures f = new GraphFixtures();
        f.prov("1", "Observation/1").entity("derivation", "Observation/2").entity("derivation", "Observation/3")
                .entity("source", "Observation/4").entity("source", "Observation/5").add();
        ProvenanceGraph g = ProvenanceGraph.around("Observation/1", f, 3);
        assertThat(g.nodes()).extracting(Node::key).containsExactly("Observation/1", "Provenance/1", "Observation/2");
        assertThat(g.truncated()).isTrue();
        assertThat(g.leftOut()).isEqualTo(3);
        assertThat(g.edges()).extracting(Edge::from).containsExactly("Provenance/1", "Observation/2");

        ProvenanceGraph chain = ProvenanceGraph.around("Observation/0", GraphFixtures.chain(10), 1000);
        assertThat(chain.truncated()).isFalse();
        ProvenanceGraph cut = ProvenanceGraph.around("Observation/0", GraphFixtures.chain(10), 20);
        assertThat(cut.nodes()).hasSize(20);
        assertThat(cut.leftOut()).isPositive();
        assertThat(cut.edges()).allMatch(e -> cut.node(e.from()).isPresent() && cut.node(e.to()).isPresent());
        assertThat(ProvenanceGraph.around("Observation/0", GraphFixtures.chain(10), 1).nodes()).hasSize(1);
        assertThatThrownBy(() -> ProvenanceGraph.around("Observation/0", f, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void referencesAreNormalisedAndVersionsKeptInTheLabel() {
        assertThat(ProvenanceGraph.key("Patient/1")).isEqualTo("Patient/1");
        assertThat(ProvenanceGraph.key("Patient/1/_history/2")).isEqualTo("Patient/1");
        assertThat(ProvenanceGraph.key("http://example.org/fhir/Patient/1")).isEqualTo("Patient/1");
        assertThat(ProvenanceGraph.key("https://example.org/fhir/Patient/a-1.b/_history/3")).isEqualTo("Patient/a-1.b");
        assertThat(ProvenanceGraph.key(" Patient/1 ")).isEqualTo("Patient/1");
        assertThat(ProvenanceGraph.key("urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"))
                .isEqualTo("urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0");
        assertThat(ProvenanceGraph.key("Patient?identifier=x|1")).isEqualTo("Patient?identifier=x|1");
        assertThat(ProvenanceGraph.key("")).isNull();

        GraphFixtures f = new GraphFixtures().know("Observation/7", "DocumentReference/1");
        f.prov("1", "http://example.org/fhir/DocumentReference/1/_history/1")
                .entity("derivation", "Observation/7/_history/3").add();
        f.prov("2", "DocumentReference/1/_history/2").entity("derivation", "Observation/7/_history/2").add();
        ProvenanceGraph g = ProvenanceGraph.around("DocumentReference/1/_history/2", f, 100);
        assertThat(g.start()).isEqualTo("DocumentReference/1");
        assertThat(g.nodes()).extracting(Node::key, Node::label, Node::missing).containsExactly(
                tuple("DocumentReference/1", "DocumentReference/1, versions 1, 2", false),
                tuple("Provenance/1", "Provenance/1 · 2017-03-04", false),
                tuple("Observation/7", "Observation/7, versions 2, 3", false),
                tuple("Provenance/2", "Provenance/2 · 2017-03-04", false));
    }

    @Test
    void oneStepForwardShowsWhatTheStartWasUsedFor() {
        GraphFixtures f = new GraphFixtures();
        f.prov("1", "Observation/1").entity("derivation", "Observation/2").add();
        f.prov("2", "Observation/9").entity("quotation", "Observation/1").entity("source", "Observation/8").add();
        ProvenanceGraph g = ProvenanceGraph.around("Observation/1", f, 100);
        assertThat(g.edges()).contains(new Edge("Observation/1", "Provenance/2", "quotation", false),
                new Edge("Provenance/2", "Observation/9", "target", false));
        assertThat(g.node("Observation/8")).as("the forward Provenance's other entities are not walked").isEmpty();
        assertThat(g.edges()).noneMatch(Edge::closesCycle);
        assertThat(List.copyOf(f.asked.keySet())).containsExactly("Observation/1", "Observation/2");
    }
}
