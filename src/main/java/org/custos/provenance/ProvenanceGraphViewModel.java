package org.custos.provenance;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.custos.ui.TaskRunner;

import java.nio.file.Path;

/**
 * The graph around a resource (issue 12, "Graph view"): built and laid out in the background (the ELK layered
 * layout), re-centred on a node the user double-clicks, exported as SVG. What it holds: the laid-out graph, what it is
 * centred on, and a line saying how big it is, what is missing, which edges close a cycle and what was left out.
 */
public final class ProvenanceGraphViewModel {
    /** Nodes a graph may have before the rest is left out (and said). */
    static final int MAX_NODES = 1_500;

    private final ProvenanceReview review;
    private final TaskRunner tasks;
    private final ObjectProperty<GraphLayout.Result> laidOut = new SimpleObjectProperty<>();
    private final StringProperty centre = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("Open a Provenance to see the chain around its "
            + "target.");
    private String origin;
    private long generation;
    private java.util.function.BiConsumer<String, String> openProvenance = (title, json) -> { };
    private java.util.Map<String, String> texts = java.util.Map.of();

    public ProvenanceGraphViewModel(ProvenanceReview review, TaskRunner tasks) {
        this.review = review;
        this.tasks = tasks;
    }

    public ObjectProperty<GraphLayout.Result> laidOut() { return laidOut; }

    public StringProperty centre() { return centre; }

    public StringProperty status() { return status; }

    /** What a double click on a Provenance node does: (title, JSON) — the detail shows its text. */
    void onOpenProvenance(java.util.function.BiConsumer<String, String> c) {
        openProvenance = c;
    }

    /** Shows the chain around {@code ref} in {@code originName}'s data (nothing when it is already shown). */
    public void show(String ref, String originName) {
        String key = ProvenanceGraph.key(ref);
        if (key == null) {
            status.set("Nothing to draw: " + ref + " is not a reference.");
            return;
        }
        if (key.equals(centre.get()) && originName.equals(origin) && laidOut.get() != null) {
            return;
        }
        long gen = ++generation;
        origin = originName;
        centre.set(key);
        status.set("Drawing the chain around " + key + "…");
        int originId = review.originId(originName);
        tasks.submit(null, p -> {
            ProvenanceReview.Chain c = review.graph(originId, key, MAX_NODES);
            return new Object[]{new GraphLayout().layout(c.graph()), c.texts()};
        }, r -> {
            if (gen == generation) {
                @SuppressWarnings("unchecked") java.util.Map<String, String> t = (java.util.Map<String, String>) r[1];
                texts = t;
                GraphLayout.Result laid = (GraphLayout.Result) r[0];
                laidOut.set(laid);
                status.set(describe(laid.graph()));
            }
        }, e -> {
            if (gen == generation) {
                status.set("Cannot draw the chain around " + key + ": " + e.getMessage());
            }
        });
    }

    /** A double click: a resource or an agent becomes the centre; a Provenance opens. */
    public void open(String key) {
        GraphLayout.Result r = laidOut.get();
        if (r == null || key == null) {
            return;
        }
        r.graph().node(key).ifPresent(n -> {
            if (n.kind() == ProvenanceGraph.Kind.PROVENANCE) {
                String text = texts.get(key);
                if (text != null) {
                    int cut = text.indexOf('\u0000');
                    openProvenance.accept(key + " · " + origin + text.substring(0, cut), text.substring(cut + 1));
                }
            } else {
                show(key, origin);
            }
        });
    }

    /** Writes the graph as SVG to {@code file}. */
    public void exportSvg(Path file) {
        GraphLayout.Result r = laidOut.get();
        if (r == null) {
            return;
        }
        tasks.submit(null, p -> {
            GraphSvg.write(r, file);
            return file;
        }, f -> status.set("Saved " + f + "."), e -> status.set("Cannot save " + file + ": " + e.getMessage()));
    }

    /** Writes the whole graph's picture (taken by the view) as PNG to {@code file}, in the background. */
    public void exportPng(java.awt.image.BufferedImage picture, Path file) {
        if (picture == null) {
            return;
        }
        tasks.submit(null, p -> {
            if (!javax.imageio.ImageIO.write(picture, "png", file.toFile())) {
                throw new java.io.IOException("no PNG writer");
            }
            return file;
        }, f -> status.set("Saved " + f + "."), e -> status.set("Cannot save " + file + ": " + e.getMessage()));
    }

    static String describe(ProvenanceGraph g) {
        long provenance = g.nodes().stream().filter(n -> n.kind() == ProvenanceGraph.Kind.PROVENANCE).count();
        long missing = g.nodes().stream().filter(ProvenanceGraph.Node::missing).count();
        long cycles = g.edges().stream().filter(ProvenanceGraph.Edge::closesCycle).count();
        StringBuilder b = new StringBuilder(String.format("%,d nodes (%,d Provenance), %,d edges", g.nodes().size(),
                provenance, g.edges().size()));
        if (missing > 0) {
            b.append(String.format("; %,d not in the cache (dashed)", missing));
        }
        if (cycles > 0) {
            b.append(String.format("; %,d edge%s closing a cycle", cycles, cycles == 1 ? "" : "s"));
        }
        if (g.truncated()) {
            b.append(String.format("; %,d more left out (over %,d nodes)", g.leftOut(), MAX_NODES));
        }
        if (provenance == 0) {
            b.append(" — no Provenance in the cache targets ").append(g.start());
        }
        return b.append(". Click a node to centre it; double-click to follow it (a Provenance opens).").toString();
    }
}
