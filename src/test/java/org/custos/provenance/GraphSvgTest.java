package org.custos.provenance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.provenance.GraphLayout.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SVG export parses as XML, holds one group per node and edge, and escapes what labels hold. */
class GraphSvgTest {
    private final GraphLayout layout = new GraphLayout();

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    private static List<Element> groups(Document d, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList gs = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (List.of(g.getAttribute("class").split(" ")).contains(cls)) {
                out.add(g);
            }
        }
        return out;
    }

    @Test
    void everyNodeIsARectWithItsLabelEscaped(@TempDir Path dir) throws Exception {
        GraphFixtures f = new GraphFixtures().know("Observation/1", "Observation/2");
        f.prov("1", "Observation/1").entity("derivation", "Observation/2").entity("source", "Binary/404").add();
        f.prov("2", "Observation/2").entity("revision", "Observation/1").add();
        GraphFixtures.Prov named = f.prov("3", "Observation/2").agent("author", "Practitioner/9");
        ((ObjectNode) named.json.get("agent").get(0).get("whoReference"))
                .put("display", "Dr <Smith> & \"Jones\" ]]>\u0001");
        named.add();
        ProvenanceGraph g = ProvenanceGraph.around("Observation/1", f, 100);
        Result r = layout.layout(g);
        String svg = GraphSvg.toSvg(r);
        assertThat(svg).contains("Dr &lt;Smith").contains("&amp; ").doesNotContain("<Smith").doesNotContain("]]>");

        Document d = parse(svg);
        Element root = d.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(Double.parseDouble(root.getAttribute("width"))).isEqualTo(Math.round(r.width() * 10) / 10.0);
        List<Element> nodes = groups(d, "node");
        assertThat(nodes).hasSize(g.nodes().size());
        assertThat(d.getElementsByTagNameNS("*", "rect").getLength()).isEqualTo(g.nodes().size());
        assertThat(nodes).extracting(n -> n.getAttribute("data-key"))
                .containsExactlyElementsOf(g.nodes().stream().map(ProvenanceGraph.Node::key).toList());
        Element agent = nodes.stream().filter(n -> n.getAttribute("class").contains("agent")).findFirst().orElseThrow();
        assertThat(agent.getElementsByTagNameNS("*", "text").item(0).getTextContent())
                .isEqualTo("Dr <Smith> & \"Jones\" ]]>\uFFFD (Practitioner/9)");
        Element missing = nodes.stream().filter(n -> n.getAttribute("data-key").equals("Binary/404")).findFirst()
                .orElseThrow();
        assertThat(missing.getAttribute("class")).isEqualTo("node resource missing");
        assertThat(((Element) missing.getElementsByTagNameNS("*", "rect").item(0)).getAttribute("stroke-dasharray"))
                .isEqualTo(GraphStyle.DASHES);
        assertThat(groups(d, "start")).extracting(n -> n.getAttribute("data-key")).containsExactly("Observation/1");

        List<Element> edges = groups(d, "edge");
        assertThat(edges).hasSize(g.edges().size());
        assertThat(groups(d, "cycle")).hasSize(1).allSatisfy(e -> assertThat(
                ((Element) e.getElementsByTagNameNS("*", "polyline").item(0)).getAttribute("stroke"))
                .isEqualTo(GraphStyle.CYCLE));
        assertThat(edges).allSatisfy(e -> assertThat(
                ((Element) e.getElementsByTagNameNS("*", "polyline").item(0)).getAttribute("marker-end"))
                .startsWith("url(#arrow"));
        assertThat(d.getElementsByTagNameNS("*", "marker").getLength()).isEqualTo(3);

        Path file = dir.resolve("graph.svg");
        GraphSvg.write(r, file);
        assertThat(Files.readString(file)).isEqualTo(svg);
    }

    @Test
    void aTruncatedGraphSaysHowManyWereLeftOut() throws Exception {
        ProvenanceGraph g = ProvenanceGraph.around("Observation/0", GraphFixtures.chain(10), 12);
        Result r = layout.layout(g);
        Document d = parse(GraphSvg.toSvg(r));
        assertThat(groups(d, "node")).hasSize(12);
        assertThat(Double.parseDouble(d.getDocumentElement().getAttribute("height"))).isGreaterThan(r.height());
        assertThat(d.getDocumentElement().getTextContent()).contains("At least " + g.leftOut() + " more not shown");
        assertThat(g.leftOut()).isPositive();
    }
}
