package org.custos.provenance;

import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.control.Tooltip;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Polyline;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import org.custos.provenance.GraphLayout.Box;
import org.custos.provenance.GraphLayout.PlacedEdge;
import org.custos.provenance.GraphLayout.PlacedNode;
import org.custos.provenance.GraphLayout.Point;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The JavaFX shapes {@link GraphPane} draws a graph with, styled as {@link GraphStyle} says (plain shapes, no
 * effects), and the conversion of a snapshot to an AWT picture for ImageIO (row by row, so that a big graph does
 * not need a second copy of the whole picture as one array).
 */
final class GraphShapes {
    private GraphShapes() {
    }

    /** A node's rounded rectangle, the node in its user data; a tooltip when its text was cut or it is missing. */
    static Rectangle box(PlacedNode p) {
        Box b = p.box();
        Rectangle r = new Rectangle(b.x(), b.y(), b.width(), b.height());
        r.setArcWidth(2 * GraphStyle.CORNER);
        r.setArcHeight(2 * GraphStyle.CORNER);
        r.setFill(Color.web(GraphStyle.fill(p.node())));
        r.setStroke(Color.web(GraphStyle.stroke(p.node())));
        r.setStrokeWidth(GraphStyle.strokeWidth(p.node()));
        if (p.node().missing()) {
            r.getStrokeDashArray().addAll(6.0, 4.0);
        }
        r.getStyleClass().add("graph-node");
        r.setUserData(p);
        if (!p.text().equals(p.node().label()) || p.node().missing()) {
            Tooltip.install(r, new Tooltip(p.node().label() + (p.node().missing() ? " (not in the cache)" : "")));
        }
        return r;
    }

    /** An edge's line and its arrow head. */
    static List<Node> edge(PlacedEdge e) {
        Color colour = Color.web(GraphStyle.stroke(e));
        Polyline line = new Polyline();
        for (Point p : e.points()) {
            line.getPoints().addAll(p.x(), p.y());
        }
        line.setStroke(colour);
        line.setStrokeWidth(e.edge().closesCycle() ? 2 : 1.2);
        return List.of(line, arrow(e.points(), colour));
    }

    /** An arrow head at the end of the route, along its last segment. */
    private static Node arrow(List<Point> points, Color colour) {
        Point end = points.get(points.size() - 1);
        Point from = points.get(Math.max(0, points.size() - 2));
        double dx = end.x() - from.x();
        double dy = end.y() - from.y();
        double len = Math.max(1e-9, Math.hypot(dx, dy));
        double ux = dx / len;
        double uy = dy / len;
        double size = 8;
        Polygon head = new Polygon(end.x(), end.y(),
                end.x() - ux * size - uy * size / 2, end.y() - uy * size + ux * size / 2,
                end.x() - ux * size + uy * size / 2, end.y() - uy * size - ux * size / 2);
        head.setFill(colour);
        return head;
    }

    /** A text centred in {@code in}, cached as a bitmap (panning moves the picture). */
    static Text text(String s, double size, String colour, Box in) {
        Text t = new Text(s);
        t.setFont(Font.font(size));
        t.setFill(Color.web(colour));
        t.setTextOrigin(VPos.CENTER);
        t.setX(in.x() + (in.width() - t.getLayoutBounds().getWidth()) / 2);
        t.setY(in.y() + in.height() / 2);
        t.setCache(true);
        return t;
    }

    /** A snapshot as an opaque AWT picture. */
    static BufferedImage picture(WritableImage image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        PixelReader reader = image.getPixelReader();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            reader.getPixels(0, y, w, 1, PixelFormat.getIntArgbInstance(), row, 0, w);
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }
}
