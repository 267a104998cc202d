package org.custos.provenance;

import org.custos.provenance.GraphLayout.Box;
import org.custos.provenance.GraphLayout.PlacedEdge;
import org.custos.provenance.GraphLayout.PlacedNode;
import org.custos.provenance.GraphLayout.Point;
import org.custos.provenance.GraphLayout.Result;
import org.custos.provenance.ProvenanceGraph.Node;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Writes a laid out derivation graph as a standalone SVG file (StAX, so every label is escaped; characters XML
 * cannot hold become U+FFFD): one {@code <g class="node …">} per node with its rounded {@code <rect>}, its text and
 * its whole label as a {@code <title>} (a tooltip), coloured as {@link GraphStyle} says; one {@code <g class="edge
 * …">} per edge with its polyline, an arrow head and its label. Styles are attributes, not CSS, so that editors and
 * converters that ignore stylesheets draw it the same. A graph cut at its node limit says so below the drawing.
 */
public final class GraphSvg {
    private static final String SVG = "http://www.w3.org/2000/svg";
    private static final double NOTE_HEIGHT = 24;

    private GraphSvg() {
    }

    /** Writes {@code graph} to {@code file} (UTF-8), replacing it. */
    public static void write(Result graph, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(graph, out);
        }
    }

    /** The SVG document as text. */
    public static String toSvg(Result graph) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(graph, out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Writes {@code graph} to {@code out} (UTF-8), leaving it open. */
    public static void write(Result graph, OutputStream out) throws IOException {
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            document(graph, w);
            w.writeEndDocument();
            w.flush();
            w.close();
        } catch (XMLStreamException e) {
            throw new IOException("Cannot write the SVG: " + e.getMessage(), e);
        }
    }

    private static void document(Result g, XMLStreamWriter w) throws XMLStreamException {
        ProvenanceGraph graph = g.graph();
        double height = g.height() + (graph.truncated() ? NOTE_HEIGHT : 0);
        w.writeStartElement("svg");
        w.writeDefaultNamespace(SVG);
        attr(w, "width", num(g.width()));
        attr(w, "height", num(height));
        attr(w, "viewBox", "0 0 " + num(g.width()) + " " + num(height));
        attr(w, "font-family", "sans-serif");
        element(w, "title", "Provenance around " + graph.start());
        w.writeStartElement("defs");
        marker(w, "arrow", GraphStyle.EDGE);
        marker(w, "arrow-cycle", GraphStyle.CYCLE);
        marker(w, "arrow-straight", GraphStyle.STRAIGHT);
        w.writeEndElement();

        w.writeStartElement("g");
        attr(w, "class", "edges");
        for (PlacedEdge e : g.edges()) {
            edge(w, e);
        }
        w.writeEndElement();
        w.writeStartElement("g");
        attr(w, "class", "nodes");
        for (PlacedNode n : g.nodes()) {
            node(w, n);
        }
        w.writeEndElement();
        if (graph.truncated()) {
            w.writeStartElement("text");
            attr(w, "class", "note");
            attr(w, "x", num(16));
            attr(w, "y", num(g.height() + NOTE_HEIGHT / 2));
            attr(w, "font-size", num(GraphLayout.NODE_FONT));
            attr(w, "fill", GraphStyle.TEXT);
            w.writeCharacters(clean("At least " + graph.leftOut() + " more not shown (the graph's node limit)."));
            w.writeEndElement();
        }
        w.writeEndElement();
    }

    private static void marker(XMLStreamWriter w, String id, String colour) throws XMLStreamException {
        w.writeStartElement("marker");
        attr(w, "id", id);
        attr(w, "viewBox", "0 0 10 10");
        attr(w, "refX", "10");
        attr(w, "refY", "5");
        attr(w, "markerWidth", "8");
        attr(w, "markerHeight", "8");
        attr(w, "orient", "auto");
        w.writeEmptyElement("path");
        attr(w, "d", "M0,0 L10,5 L0,10 z");
        attr(w, "fill", colour);
        w.writeEndElement();
    }

    private static void edge(XMLStreamWriter w, PlacedEdge e) throws XMLStreamException {
        w.writeStartElement("g");
        attr(w, "class", "edge" + (e.edge().closesCycle() ? " cycle" : "") + (e.straight() ? " straight" : ""));
        StringJoiner points = new StringJoiner(" ");
        for (Point p : e.points()) {
            points.add(num(p.x()) + "," + num(p.y()));
        }
        w.writeEmptyElement("polyline");
        attr(w, "points", points.toString());
        attr(w, "fill", "none");
        attr(w, "stroke", GraphStyle.stroke(e));
        attr(w, "stroke-width", e.edge().closesCycle() ? "2" : "1.2");
        attr(w, "marker-end", "url(#" + (e.edge().closesCycle() ? "arrow-cycle" : e.straight() ? "arrow-straight"
                : "arrow") + ")");
        Box l = e.labelBox();
        if (l != null) {
            w.writeStartElement("text");
            attr(w, "x", num(l.x() + l.width() / 2));
            attr(w, "y", num(l.y() + l.height() / 2));
            attr(w, "text-anchor", "middle");
            attr(w, "dominant-baseline", "central");
            attr(w, "font-size", num(GraphLayout.EDGE_FONT));
            attr(w, "fill", e.edge().closesCycle() ? GraphStyle.CYCLE : GraphStyle.EDGE_TEXT);
            w.writeCharacters(clean(e.edge().label()));
            w.writeEndElement();
        }
        w.writeEndElement();
    }

    private static void node(XMLStreamWriter w, PlacedNode p) throws XMLStreamException {
        Node n = p.node();
        Box b = p.box();
        w.writeStartElement("g");
        attr(w, "class", "node " + n.kind().name().toLowerCase(Locale.ROOT) + (n.missing() ? " missing" : "")
                + (n.start() ? " start" : ""));
        attr(w, "data-key", n.key());
        element(w, "title", n.label() + (n.missing() ? " (not in the cache)" : ""));
        w.writeEmptyElement("rect");
        attr(w, "x", num(b.x()));
        attr(w, "y", num(b.y()));
        attr(w, "width", num(b.width()));
        attr(w, "height", num(b.height()));
        attr(w, "rx", num(GraphStyle.CORNER));
        attr(w, "fill", GraphStyle.fill(n));
        attr(w, "stroke", GraphStyle.stroke(n));
        attr(w, "stroke-width", num(GraphStyle.strokeWidth(n)));
        if (n.missing()) {
            attr(w, "stroke-dasharray", GraphStyle.DASHES);
        }
        w.writeStartElement("text");
        attr(w, "x", num(b.x() + b.width() / 2));
        attr(w, "y", num(b.y() + b.height() / 2));
        attr(w, "text-anchor", "middle");
        attr(w, "dominant-baseline", "central");
        attr(w, "font-size", num(GraphLayout.NODE_FONT));
        attr(w, "fill", GraphStyle.TEXT);
        w.writeCharacters(clean(p.text()));
        w.writeEndElement();
        w.writeEndElement();
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(clean(text));
        w.writeEndElement();
    }

    private static void attr(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeAttribute(name, clean(value));
    }

    /** {@code s} with the characters XML 1.0 cannot hold (most controls, lone surrogates) replaced by U+FFFD. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF
                    || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF;
            b.appendCodePoint(ok ? c : 0xFFFD);
            i += Character.charCount(c);
        }
        return b.toString();
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
