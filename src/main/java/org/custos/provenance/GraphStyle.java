package org.custos.provenance;

import org.custos.provenance.GraphLayout.PlacedEdge;
import org.custos.provenance.ProvenanceGraph.Node;

/**
 * The colours and strokes of the derivation graph, shared by the SVG export and the pane so that both look alike:
 * resources blue, Provenance orange, agents green; a missing resource grey and dashed; the start drawn thicker; an
 * edge closing a cycle red; an edge drawn straight (outside the layout) lighter.
 */
final class GraphStyle {
    static final String TEXT = "#202124";
    static final String EDGE_TEXT = "#3c4043";
    static final String EDGE = "#5f6368";
    static final String CYCLE = "#d93025";
    static final String STRAIGHT = "#9aa0a6";
    static final String SELECTED = "#7b1fa2";
    static final String DASHES = "6 4";
    static final double CORNER = 6;

    private GraphStyle() {
    }

    static String fill(Node n) {
        if (n.missing()) {
            return "#f1f3f4";
        }
        return switch (n.kind()) {
            case RESOURCE -> "#e8f0fe";
            case PROVENANCE -> "#fef7e0";
            case AGENT -> "#e6f4ea";
        };
    }

    static String stroke(Node n) {
        if (n.missing()) {
            return "#80868b";
        }
        return switch (n.kind()) {
            case RESOURCE -> "#1a73e8";
            case PROVENANCE -> "#e37400";
            case AGENT -> "#188038";
        };
    }

    static double strokeWidth(Node n) {
        return n.start() ? 3 : 1.5;
    }

    static String stroke(PlacedEdge e) {
        return e.edge().closesCycle() ? CYCLE : e.straight() ? STRAIGHT : EDGE;
    }
}
