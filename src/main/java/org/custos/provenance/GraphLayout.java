package org.custos.provenance;

import org.custos.provenance.ProvenanceGraph.Edge;
import org.custos.provenance.ProvenanceGraph.Node;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Lays a {@link ProvenanceGraph} out with Eclipse ELK's layered algorithm (Sugiyama style: layers left to right in
 * the direction of the edges, so the start resource ends up at the right and its past to the left; crossings
 * minimised; orthogonal edge routes with their labels placed by ELK so that nothing overlaps). Node sizes come from
 * the label's width (an estimate per character unless the caller measures text), long labels cut at
 * {@link #MAX_CHARS}. The result is plain immutable geometry: ELK's types stay in here. No JavaFX: this runs on a
 * background thread, and one instance may be used by several threads (each call builds its own ELK graph).
 * <p>
 * A layered layout pays for an edge with one dummy node per layer it crosses, and an agent or a document shared by
 * Provenance far apart in a long chain crosses hundreds (a 450-step chain with 7 shared agents took 30–50 s). So
 * an edge that would span more than {@link #MAX_SPAN} steps of the walk (its ends' distances from the start, each
 * node keeping the edge it was first reached by) is left out of ELK's graph and drawn as a straight line between
 * the boxes, its label at its middle ({@link PlacedEdge#straight()}).
 * <p>
 * ELK finds its algorithms through {@code ServiceLoader} on the class path; the layered one is registered here when
 * it was not (another class loader, a module path), checked so that it is not registered twice.
 */
public final class GraphLayout {
    /** The font size (px) node labels are measured and drawn at; edge labels use {@link #EDGE_FONT}. */
    public static final double NODE_FONT = 12;
    public static final double EDGE_FONT = 10;
    /** Longer labels are cut (with "…"); the whole label is the node's tooltip. */
    public static final int MAX_CHARS = 60;
    public static final double NODE_HEIGHT = 30;
    /** Edges spanning more steps than this (and not needed to reach a node) are drawn straight, outside ELK. */
    public static final int MAX_SPAN = 6;
    private static final double PAD_X = 12;

    private final ToDoubleFunction<String> textWidth;

    /** A point of the drawing, in px from its top left corner. */
    public record Point(double x, double y) {
    }

    /** A rectangle of the drawing. */
    public record Box(double x, double y, double width, double height) {
        /** Whether {@code p} lies on this box's border, within {@code tolerance}. */
        public boolean onBorder(Point p, double tolerance) {
            boolean inX = p.x() >= x - tolerance && p.x() <= x + width + tolerance;
            boolean inY = p.y() >= y - tolerance && p.y() <= y + height + tolerance;
            boolean nearX = Math.abs(p.x() - x) <= tolerance || Math.abs(p.x() - x - width) <= tolerance;
            boolean nearY = Math.abs(p.y() - y) <= tolerance || Math.abs(p.y() - y - height) <= tolerance;
            return inX && inY && (nearX || nearY);
        }

        public boolean overlaps(Box o) {
            return x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height;
        }
    }

    /** A node where it is drawn, with the text shown in it (its label, cut when long). */
    public record PlacedNode(Node node, Box box, String text) {
    }

    /**
     * An edge as a polyline from its source's box to its target's, and its label's box (null when it has none);
     * {@code straight} when it was left out of the layout and drawn as a straight line.
     */
    public record PlacedEdge(Edge edge, List<Point> points, Box labelBox, boolean straight) {
        public PlacedEdge {
            points = List.copyOf(points);
        }
    }

    /** A laid out graph: its size and every node and edge, in the graph's order. */
    public record Result(ProvenanceGraph graph, double width, double height, List<PlacedNode> nodes,
                         List<PlacedEdge> edges) {
        public Result {
            nodes = List.copyOf(nodes);
            edges = List.copyOf(edges);
        }

        public Optional<PlacedNode> node(String key) {
            return nodes.stream().filter(n -> n.node().key().equals(key)).findFirst();
        }
    }

    /** Measures text as ~7 px per character at {@link #NODE_FONT} (a generous average for a sans serif font). */
    public GraphLayout() {
        this(s -> s.length() * 7.0);
    }

    /** {@code textWidth}: the width in px of a text at {@link #NODE_FONT}. */
    public GraphLayout(ToDoubleFunction<String> textWidth) {
        this.textWidth = textWidth;
        LayoutMetaDataService service = LayoutMetaDataService.getInstance();
        if (service.getAlgorithmData(LayeredOptions.ALGORITHM_ID) == null) {
            service.registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
        }
    }

    /** Lays {@code graph} out (about a second for 1,000 nodes: call it off the FX thread). */
    public Result layout(ProvenanceGraph graph) {
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(16));
        root.setProperty(CoreOptions.SPACING_NODE_NODE, 16.0);
        root.setProperty(CoreOptions.SPACING_EDGE_LABEL, 3.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 48.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 16.0);
        root.setProperty(LayeredOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);

        Map<String, ElkNode> shapes = new HashMap<>();
        List<String> texts = new ArrayList<>();
        for (Node n : graph.nodes()) {
            String text = n.label().length() > MAX_CHARS ? n.label().substring(0, MAX_CHARS - 1) + "…" : n.label();
            texts.add(text);
            ElkNode shape = ElkGraphUtil.createNode(root);
            shape.setDimensions(Math.max(48, Math.ceil(textWidth.applyAsDouble(text)) + 2 * PAD_X), NODE_HEIGHT);
            shapes.put(n.key(), shape);
        }
        List<ElkEdge> elkEdges = new ArrayList<>();
        boolean[] far = GraphSpans.far(graph, MAX_SPAN);
        for (int i = 0; i < graph.edges().size(); i++) {
            Edge e = graph.edges().get(i);
            if (far[i]) {
                elkEdges.add(null);
                continue;
            }
            ElkEdge edge = ElkGraphUtil.createSimpleEdge(shapes.get(e.from()), shapes.get(e.to()));
            if (!e.label().isEmpty()) {
                ElkLabel label = ElkGraphUtil.createLabel(e.label(), edge);
                label.setDimensions(Math.ceil(textWidth.applyAsDouble(e.label()) * EDGE_FONT / NODE_FONT) + 4,
                        EDGE_FONT + 4);
            }
            elkEdges.add(edge);
        }

        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

        List<PlacedNode> nodes = new ArrayList<>();
        for (int i = 0; i < graph.nodes().size(); i++) {
            Node n = graph.nodes().get(i);
            ElkNode s = shapes.get(n.key());
            nodes.add(new PlacedNode(n, new Box(s.getX(), s.getY(), s.getWidth(), s.getHeight()), texts.get(i)));
        }
        Map<String, Box> boxes = new HashMap<>();
        nodes.forEach(n -> boxes.put(n.node().key(), n.box()));
        Box all = new Box(0, 0, root.getWidth(), root.getHeight());
        List<PlacedEdge> edges = new ArrayList<>();
        for (int i = 0; i < graph.edges().size(); i++) {
            ElkEdge edge = elkEdges.get(i);
            Edge e = graph.edges().get(i);
            if (edge == null) {
                List<Point> line = GraphSpans.straight(boxes.get(e.from()), boxes.get(e.to()));
                double w = Math.ceil(textWidth.applyAsDouble(e.label()) * EDGE_FONT / NODE_FONT) + 4;
                edges.add(new PlacedEdge(e, line, GraphSpans.labelAt(line, w, EDGE_FONT + 4, all), true));
            } else {
                edges.add(new PlacedEdge(e, points(edge), labelBox(edge), false));
            }
        }
        return new Result(graph, root.getWidth(), root.getHeight(), nodes, edges);
    }

    /** The edge's route in the root's coordinates: start, bend points, end of each section. */
    private static List<Point> points(ElkEdge edge) {
        Point o = offset(edge);
        double dx = o.x();
        double dy = o.y();
        List<Point> out = new ArrayList<>();
        for (ElkEdgeSection s : edge.getSections()) {
            add(out, s.getStartX() + dx, s.getStartY() + dy);
            for (ElkBendPoint b : s.getBendPoints()) {
                add(out, b.getX() + dx, b.getY() + dy);
            }
            add(out, s.getEndX() + dx, s.getEndY() + dy);
        }
        return out;
    }

    private static void add(List<Point> points, double x, double y) {
        Point p = new Point(x, y);
        if (points.isEmpty() || !points.get(points.size() - 1).equals(p)) {
            points.add(p);
        }
    }

    private static Box labelBox(ElkEdge edge) {
        if (edge.getLabels().isEmpty()) {
            return null;
        }
        ElkLabel l = edge.getLabels().get(0);
        Point o = offset(edge);
        return new Box(l.getX() + o.x(), l.getY() + o.y(), l.getWidth(), l.getHeight());
    }

    /** Where the node that holds the edge's coordinates is, in the root's (0, 0 for the root itself). */
    private static Point offset(ElkEdge edge) {
        double dx = 0;
        double dy = 0;
        for (ElkNode c = edge.getContainingNode(); c != null && c.getParent() != null; c = c.getParent()) {
            dx += c.getX();
            dy += c.getY();
        }
        return new Point(dx, dy);
    }
}
