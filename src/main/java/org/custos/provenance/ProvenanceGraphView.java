package org.custos.provenance;

import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.custos.ui.Views;

import java.io.File;

/** The Graph tab: the laid-out chain in a {@link GraphPane} (pan, zoom), and its export to PNG and SVG. */
public final class ProvenanceGraphView {
    private final ProvenanceGraphViewModel vm;
    private final GraphPane pane = new GraphPane();
    private Parent root;

    @FXML StackPane graphHolder;
    @FXML Label centreLabel;
    @FXML Label graphStatus;

    public ProvenanceGraphView(ProvenanceGraphViewModel vm) {
        this.vm = vm;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    /** The pane that draws the graph (tests click its nodes). */
    public GraphPane pane() {
        return pane;
    }

    @FXML
    void initialize() {
        pane.setId("provenanceGraph");
        graphHolder.getChildren().setAll(pane);
        centreLabel.textProperty().bind(vm.centre());
        graphStatus.textProperty().bind(vm.status());
        vm.laidOut().addListener((o, a, r) -> {
            pane.setGraph(r);
            if (r != null) {
                pane.select(vm.centre().get());
                javafx.application.Platform.runLater(() -> pane.showReadable(vm.centre().get()));
            }
        });
        pane.onNodeClicked(pane::centreOn);
        pane.onNodeOpened(vm::open);
    }

    @FXML
    void zoomIn() {
        pane.zoomIn();
    }

    @FXML
    void zoomOut() {
        pane.zoomOut();
    }

    @FXML
    void fit() {
        pane.fit();
    }

    @FXML
    void exportPng() {
        File f = chooser("PNG picture", "*.png", "provenance-graph.png").showSaveDialog(window());
        if (f != null) {
            // the picture is taken here (the FX thread draws it); encoding and writing run in the background
            vm.exportPng(pane.snapshot(), f.toPath());
        }
    }

    @FXML
    void exportSvg() {
        File f = chooser("SVG drawing", "*.svg", "provenance-graph.svg").showSaveDialog(window());
        if (f != null) {
            vm.exportSvg(f.toPath());
        }
    }

    private static FileChooser chooser(String what, String pattern, String name) {
        FileChooser c = new FileChooser();
        c.setTitle("Export the graph");
        c.setInitialFileName(name);
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter(what, pattern));
        return c;
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }
}
