package org.custos.provenance;

import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.Group;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.transform.Scale;
import javafx.scene.transform.Translate;
import org.custos.provenance.GraphLayout.PlacedEdge;
import org.custos.provenance.GraphLayout.PlacedNode;
import org.custos.provenance.GraphLayout.Result;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Shows a laid out derivation graph (a widget: it draws and reports clicks, and decides nothing). Plain shapes in one
 * content group, coloured as {@link GraphStyle} says: drag to pan, the scroll wheel zooms at the pointer,
 * {@link #zoomIn()}, {@link #zoomOut()} and {@link #fit()} do it from buttons. A single click on a node selects it
 * and calls {@link #onNodeClicked} (re-centre on it), a double click calls {@link #onNodeOpened} (the first click of
 * a double click is a single click, too); a drag that starts on a node pans and clicks nothing.
 * <p>
 * For 1,000 nodes: no effects, hit testing on the rectangles only (texts and edges are mouse transparent), texts
 * cached as bitmaps (panning moves pictures), and below {@link #LABEL_ZOOM} the edge labels and below
 * {@link #TEXT_ZOOM} the node texts are hidden (unreadable there). Headless (software rendering), a zoom step on the
 * 1,000-node tree took no longer than on a 10-node graph (~0.1 s, most of it the test robot's round trip).
 * {@link #snapshotPng} draws the whole graph, not the viewport.
 */
public class GraphPane extends Region {
    public static final double MIN_ZOOM = 0.02;
    public static final double MAX_ZOOM = 4;
    public static final double LABEL_ZOOM = 0.45;
    public static final double TEXT_ZOOM = 0.25;
    /** The largest picture {@link #snapshotPng} makes: bigger graphs are scaled down to fit. */
    public static final double MAX_PIXELS = 24e6;
    public static final double MAX_SIDE = 16_384;

    private final Group drawing = new Group();
    private final Group content = new Group(drawing);
    private final Group edges = new Group();
    private final Group edgeLabels = new Group();
    private final Group nodes = new Group();
    private final Group nodeTexts = new Group();
    private final Scale scale = new Scale(1, 1, 0, 0);
    private final Translate translate = new Translate();
    private final Map<String, Rectangle> boxes = new HashMap<>();
    private final ReadOnlyStringWrapper selected = new ReadOnlyStringWrapper(this, "selected");
    private final ReadOnlyDoubleWrapper zoom = new ReadOnlyDoubleWrapper(this, "zoom", 1);
    private Consumer<String> clicked = k -> { };
    private Consumer<String> opened = k -> { };
    private Result graph;
    private boolean fitPending;
    /** The node {@link #showReadable} centres on once the pane has a size. */
    private String readableKey;
    private double pressX;
    private double pressY;
    private double pressTx;
    private double pressTy;

    public GraphPane() {
        getStyleClass().add("graph-pane");
        setStyle("-fx-background-color: white;");
        content.getTransforms().addAll(translate, scale);
        content.setManaged(false);
        edges.setMouseTransparent(true);
        edgeLabels.setMouseTransparent(true);
        nodeTexts.setMouseTransparent(true);
        drawing.getChildren().addAll(edges, edgeLabels, nodes, nodeTexts);
        getChildren().add(content);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
        setPrefSize(800, 500);
        setMinSize(0, 0);
        zoom.addListener((o, was, z) -> {
            edgeLabels.setVisible(z.doubleValue() >= LABEL_ZOOM);
            nodeTexts.setVisible(z.doubleValue() >= TEXT_ZOOM);
        });
        setOnMousePressed(e -> {
            pressX = e.getX();
            pressY = e.getY();
            pressTx = translate.getX();
            pressTy = translate.getY();
        });
        setOnMouseDragged(e -> {
            translate.setX(pressTx + e.getX() - pressX);
            translate.setY(pressTy + e.getY() - pressY);
        });
        setOnScroll(e -> {
            zoomAt(zoom.get() * Math.pow(1.1, e.getDeltaY() / 40), e.getX(), e.getY());
            e.consume();
        });
    }

    /** Text widths as this pane draws node labels, for {@link GraphLayout#GraphLayout(ToDoubleFunction)}. */
    public static ToDoubleFunction<String> textWidths() {
        return s -> {
            Text t = new Text(s);
            t.setFont(Font.font(GraphLayout.NODE_FONT));
            return t.getLayoutBounds().getWidth();
        };
    }

    /** Shows {@code laidOut} (null: nothing), fitted to the pane; the selection is cleared. */
    public void setGraph(Result laidOut) {
        graph = laidOut;
        boxes.clear();
        selected.set(null);
        for (Group g : List.of(edges, edgeLabels, nodes, nodeTexts)) {
            g.getChildren().clear();
        }
        if (laidOut == null) {
            return;
        }
        Rectangle background = new Rectangle(0, 0, laidOut.width(), laidOut.height());
        background.setFill(Color.WHITE);
        edges.getChildren().add(background);
        for (PlacedEdge e : laidOut.edges()) {
            edge(e);
        }
        for (PlacedNode n : laidOut.nodes()) {
            node(n);
        }
        fitPending = true;
        requestLayout();
    }

    public Result getGraph() {
        return graph;
    }

    /** Called with a node's key when it is clicked once (after it is selected). */
    public void onNodeClicked(Consumer<String> action) {
        clicked = action == null ? k -> { } : action;
    }

    /** Called with a node's key when it is double-clicked. */
    public void onNodeOpened(Consumer<String> action) {
        opened = action == null ? k -> { } : action;
    }

    /** Marks the node {@code key} as selected (null or an unknown key: none). */
    public void select(String key) {
        Rectangle was = selected.get() == null ? null : boxes.get(selected.get());
        if (was != null) {
            PlacedNode n = (PlacedNode) was.getUserData();
            was.setStroke(Color.web(GraphStyle.stroke(n.node())));
            was.setStrokeWidth(GraphStyle.strokeWidth(n.node()));
            was.getStyleClass().remove("selected");
        }
        Rectangle now = key == null ? null : boxes.get(key);
        selected.set(now == null ? null : key);
        if (now != null) {
            now.setStroke(Color.web(GraphStyle.SELECTED));
            now.setStrokeWidth(4);
            now.getStyleClass().add("selected");
        }
    }

    public ReadOnlyStringProperty selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty zoomProperty() {
        return zoom.getReadOnlyProperty();
    }

    public double getZoom() {
        return zoom.get();
    }

    public void zoomIn() {
        zoomAt(zoom.get() * 1.25, getWidth() / 2, getHeight() / 2);
    }

    public void zoomOut() {
        zoomAt(zoom.get() / 1.25, getWidth() / 2, getHeight() / 2);
    }

    /** Zooms to {@code z} (kept within MIN_ZOOM..MAX_ZOOM) keeping the point (x, y) of the pane where it is. */
    public void zoomAt(double z, double x, double y) {
        double to = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
        double s = scale.getX();
        double gx = (x - translate.getX()) / s;
        double gy = (y - translate.getY()) / s;
        scale.setX(to);
        scale.setY(to);
        translate.setX(x - gx * to);
        translate.setY(y - gy * to);
        zoom.set(to);
    }

    /** Shows the whole graph (at most at 100 %), centred. */
    public void fit() {
        fitPending = false;
        if (graph == null || getWidth() <= 0 || getHeight() <= 0) {
            fitPending = graph != null;
            return;
        }
        double z = Math.min(1, Math.min(getWidth() / graph.width(), getHeight() / graph.height()));
        zoomAt(z, 0, 0);
        translate.setX((getWidth() - graph.width() * zoom.get()) / 2);
        translate.setY((getHeight() - graph.height() * zoom.get()) / 2);
    }

    /**
     * Shows the whole graph when it can be read that way (fitted at {@value #READABLE} or more); otherwise a readable
     * zoom centred on {@code key} (the rest is a pan or a "Fit" away).
     */
    public void showReadable(String key) {
        readableKey = key;
        fit();
        if (fitPending) {
            return;
        }
        readableKey = null;
        if (graph != null && zoom.get() < READABLE && boxes.containsKey(key)) {
            zoomAt(READABLE_ZOOM, 0, 0);
            centreOn(key);
            // the layout is top-down and the centre is where the chain ends: show it low, with what it came from above
            translate.setY(translate.getY() + getHeight() * 0.3);
        }
    }

    /** Below this the whole graph is too small to read: {@link #showReadable} zooms in on the centre instead. */
    public static final double READABLE = 0.55;
    private static final double READABLE_ZOOM = 0.85;

    /** Moves the view so that the node {@code key} is in the middle, at the zoom it has. */
    public void centreOn(String key) {
        Rectangle r = boxes.get(key);
        if (r != null) {
            translate.setX(getWidth() / 2 - (r.getX() + r.getWidth() / 2) * zoom.get());
            translate.setY(getHeight() / 2 - (r.getY() + r.getHeight() / 2) * zoom.get());
        }
    }

    /**
     * The whole graph as a picture at 100 % on white (scaled down to {@link #MAX_PIXELS} and {@link #MAX_SIDE} when
     * bigger); null when no graph is shown. On the FX thread.
     */
    public BufferedImage snapshot() {
        if (graph == null) {
            return null;
        }
        double area = graph.width() * graph.height();
        double s = Math.min(1, Math.min(Math.sqrt(MAX_PIXELS / area),
                Math.min(MAX_SIDE / graph.width(), MAX_SIDE / graph.height())));
        SnapshotParameters p = new SnapshotParameters();
        p.setFill(Color.WHITE);
        p.setTransform(new Scale(s, s));
        boolean labels = edgeLabels.isVisible();
        boolean texts = nodeTexts.isVisible();
        edgeLabels.setVisible(true);
        nodeTexts.setVisible(true);
        WritableImage image;
        try {
            image = drawing.snapshot(p, null);
        } finally {
            edgeLabels.setVisible(labels);
            nodeTexts.setVisible(texts);
        }
        return GraphShapes.picture(image);
    }

    /** Writes {@link #snapshot()} to {@code file} as PNG. On the FX thread. */
    public void snapshotPng(Path file) throws IOException {
        BufferedImage image = snapshot();
        if (image == null) {
            throw new IOException("No graph is shown");
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("No PNG writer");
        }
    }

    @Override
    protected void layoutChildren() {
        if (fitPending) {
            if (readableKey != null) {
                showReadable(readableKey);
            } else {
                fit();
            }
        }
    }

    private void node(PlacedNode p) {
        Rectangle r = GraphShapes.box(p);
        String key = p.node().key();
        r.setOnMouseClicked(e -> {
            if (e.getButton() != MouseButton.PRIMARY || !e.isStillSincePress()) {
                return;
            }
            e.consume();
            if (e.getClickCount() == 2) {
                opened.accept(key);
            } else if (e.getClickCount() == 1) {
                select(key);
                clicked.accept(key);
            }
        });
        boxes.put(key, r);
        nodes.getChildren().add(r);
        nodeTexts.getChildren().add(GraphShapes.text(p.text(), GraphLayout.NODE_FONT, GraphStyle.TEXT, p.box()));
    }

    private void edge(PlacedEdge e) {
        edges.getChildren().addAll(GraphShapes.edge(e));
        if (e.labelBox() != null) {
            edgeLabels.getChildren().add(GraphShapes.text(e.edge().label(), GraphLayout.EDGE_FONT,
                    e.edge().closesCycle() ? GraphStyle.CYCLE : GraphStyle.EDGE_TEXT, e.labelBox()));
        }
    }
}
