package org.custos.provenance;

import org.custos.provenance.GraphLayout.Box;
import org.custos.provenance.GraphLayout.Point;
import org.custos.provenance.ProvenanceGraph.Edge;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which edges of a graph are too long for the layered layout, and the straight lines they are drawn as instead
 * (see {@link GraphLayout}). Steps are counted from the start, breadth-first backwards along edges (an edge's
 * source is one step further back than its target) and, for what only a forward edge reaches (another target of a
 * Provenance, the step forward), one step forward from there; so a shared agent counts from the Provenance nearest
 * the start. The edge that first reaches a node stays in the layout, so every node keeps its place beside a
 * neighbour.
 */
final class GraphSpans {
    private GraphSpans() {
    }

    /** For each edge of {@code g}, whether its ends are more than {@code maxSpan} steps apart (and it is no tree edge). */
    static boolean[] far(ProvenanceGraph g, int maxSpan) {
        List<Edge> edges = g.edges();
        Map<String, List<Integer>> into = new HashMap<>();
        for (int i = 0; i < edges.size(); i++) {
            into.computeIfAbsent(edges.get(i).to(), k -> new ArrayList<>()).add(i);
        }
        Map<String, Integer> depth = new HashMap<>();
        boolean[] tree = new boolean[edges.size()];
        Deque<String> todo = new ArrayDeque<>();
        depth.put(g.start(), 0);
        todo.add(g.start());
        boolean grew = true;
        while (grew) {
            // backwards first: the chain and its agents, each at its distance from the start
            while (!todo.isEmpty()) {
                String n = todo.poll();
                for (int i : into.getOrDefault(n, List.of())) {
                    if (!depth.containsKey(edges.get(i).from())) {
                        depth.put(edges.get(i).from(), depth.get(n) + 1);
                        tree[i] = true;
                        todo.add(edges.get(i).from());
                    }
                }
            }
            // then one edge forwards (another target of a Provenance, the step forward) and backwards from there
            grew = false;
            for (int i = 0; i < edges.size(); i++) {
                Edge e = edges.get(i);
                if (depth.containsKey(e.from()) && !depth.containsKey(e.to())) {
                    depth.put(e.to(), depth.get(e.from()) - 1);
                    tree[i] = true;
                    todo.add(e.to());
                    grew = true;
                }
            }
        }
        boolean[] far = new boolean[edges.size()];
        for (int i = 0; i < edges.size(); i++) {
            Integer a = depth.get(edges.get(i).from());
            Integer b = depth.get(edges.get(i).to());
            far[i] = !tree[i] && a != null && b != null && Math.abs(a - b) > maxSpan;
        }
        return far;
    }

    /** The line between the boxes' centres, from where it leaves {@code from} to where it enters {@code to}. */
    static List<Point> straight(Box from, Box to) {
        Point a = new Point(from.x() + from.width() / 2, from.y() + from.height() / 2);
        Point b = new Point(to.x() + to.width() / 2, to.y() + to.height() / 2);
        return List.of(exit(from, a, b), exit(to, b, a));
    }

    /** Where the ray from {@code centre} (of {@code box}) towards {@code toward} crosses the box's border. */
    private static Point exit(Box box, Point centre, Point toward) {
        double dx = toward.x() - centre.x();
        double dy = toward.y() - centre.y();
        if (dx == 0 && dy == 0) {
            return centre;
        }
        double tx = dx == 0 ? Double.POSITIVE_INFINITY : box.width() / 2 / Math.abs(dx);
        double ty = dy == 0 ? Double.POSITIVE_INFINITY : box.height() / 2 / Math.abs(dy);
        double t = Math.min(tx, ty);
        return new Point(centre.x() + dx * t, centre.y() + dy * t);
    }

    /** A label box of that size centred on the middle of the line, moved inside {@code bounds} when it sticks out. */
    static Box labelAt(List<Point> line, double width, double height, Box bounds) {
        Point a = line.get(0);
        Point b = line.get(line.size() - 1);
        double x = (a.x() + b.x()) / 2 - width / 2;
        double y = (a.y() + b.y()) / 2 - height / 2;
        x = Math.max(bounds.x(), Math.min(x, bounds.x() + bounds.width() - width));
        y = Math.max(bounds.y(), Math.min(y, bounds.y() + bounds.height() - height));
        return new Box(x, y, width, height);
    }
}
