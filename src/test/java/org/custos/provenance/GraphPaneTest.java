package org.custos.provenance;

import javafx.event.Event;
import javafx.scene.Scene;
import javafx.scene.input.MouseButton;
import javafx.scene.input.ScrollEvent;
import javafx.scene.shape.Rectangle;
import javafx.stage.Stage;
import org.custos.provenance.GraphLayout.Box;
import org.custos.provenance.GraphLayout.PlacedNode;
import org.custos.provenance.GraphLayout.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The graph pane on a (headless) screen: clicks name their node, zoom and pan move the view, PNG has it all. */
@ExtendWith(ApplicationExtension.class)
class GraphPaneTest {
    private final GraphLayout layout = new GraphLayout(GraphPane.textWidths());
    private final List<String> clicked = new ArrayList<>();
    private final List<String> opened = new ArrayList<>();
    private GraphPane pane;

    @Start
    void start(Stage stage) {
        pane = new GraphPane();
        pane.onNodeClicked(clicked::add);
        pane.onNodeOpened(opened::add);
        GraphFixtures f = new GraphFixtures().know("Observation/1", "Observation/2");
        f.prov("1", "Observation/1").entity("derivation", "Observation/2").agent("author", "Practitioner/1").add();
        pane.setGraph(layout.layout(ProvenanceGraph.around("Observation/1", f, 100)));
        stage.setScene(new Scene(pane, 900, 400));
        stage.show();
    }

    private Rectangle box(FxRobot robot, String key) {
        return robot.lookup(".graph-node").queryAllAs(Rectangle.class).stream()
                .filter(r -> ((PlacedNode) r.getUserData()).node().key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void aClickNamesItsNodeAndADoubleClickOpensIt(FxRobot robot) {
        assertThat(robot.lookup(".graph-node").queryAll()).hasSize(4);
        assertThat(pane.getZoom()).isEqualTo(1.0);   // a small graph is shown at 100 %
        robot.clickOn(box(robot, "Observation/2"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(clicked).containsExactly("Observation/2");
        assertThat(pane.selectedProperty().get()).isEqualTo("Observation/2");
        assertThat(box(robot, "Observation/2").getStyleClass()).contains("selected");
        assertThat(opened).isEmpty();

        robot.doubleClickOn(box(robot, "Practitioner/1"), MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(opened).containsExactly("Practitioner/1");
        assertThat(pane.selectedProperty().get()).isEqualTo("Practitioner/1");
        assertThat(box(robot, "Observation/2").getStyleClass()).doesNotContain("selected");
    }

    @Test
    void dragPansWithoutClickingAndTheWheelZoomsAtThePointer(FxRobot robot) {
        Rectangle start = box(robot, "Observation/1");
        double before = start.localToScene(start.getBoundsInLocal()).getMinX();
        robot.drag(start, MouseButton.PRIMARY).moveBy(-120, 30).drop();
        WaitForAsyncUtils.waitForFxEvents();
        double after = start.localToScene(start.getBoundsInLocal()).getMinX();
        assertThat(after - before).isCloseTo(-120, within(2.0));
        assertThat(clicked).as("a drag is no click").isEmpty();

        robot.interact(pane::zoomIn);
        assertThat(pane.getZoom()).isCloseTo(1.25, within(1e-9));
        robot.interact(pane::zoomOut);
        robot.interact(pane::zoomOut);
        assertThat(pane.getZoom()).isCloseTo(0.8, within(1e-9));

        // the wheel zooms in keeping the point under the pointer where it is
        double px = 300;
        double py = 200;
        double gx = (px - start.localToScene(0, 0).getX()) / pane.getZoom();
        robot.interact(() -> Event.fireEvent(pane, new ScrollEvent(ScrollEvent.SCROLL, px, py, px, py, false, false,
                false, false, false, false, 0, 40, 0, 40, ScrollEvent.HorizontalTextScrollUnits.NONE, 0,
                ScrollEvent.VerticalTextScrollUnits.NONE, 0, 0, null)));
        assertThat(pane.getZoom()).isCloseTo(0.88, within(1e-9));
        assertThat(px - start.localToScene(0, 0).getX()).isCloseTo(gx * 0.88, within(1e-3));

        robot.interact(pane::fit);
        assertThat(pane.getZoom()).isEqualTo(1.0);
    }

    @Test
    void thePngHoldsTheWholeGraphNotTheViewport(FxRobot robot, @TempDir Path dir) throws Exception {
        ProvenanceGraph g = ProvenanceGraph.around("Observation/0", GraphFixtures.chain(10), 1000);
        Result big = layout.layout(g);
        assertThat(big.height()).as("top-down: a chain is tall").isGreaterThan(400);
        robot.interact(() -> pane.setGraph(big));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(pane.getZoom()).as("fitted").isLessThan(1.0);
        Path png = dir.resolve("graph.png");
        robot.interact(() -> {
            try {
                pane.snapshotPng(png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(Files.size(png)).isPositive();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo((int) Math.ceil(big.width()));
        assertThat(image.getHeight()).isEqualTo((int) Math.ceil(big.height())).isGreaterThan((int) pane.getHeight());
        // the start node is drawn in its colour, at scale 1, where the layout put it
        Box b = big.node("Observation/0").orElseThrow().box();
        int rgb = image.getRGB((int) (b.x() + 6), (int) (b.y() + b.height() - 6)) & 0xffffff;
        assertThat(Integer.toHexString(rgb)).isEqualTo("e8f0fe");
        assertThat(image.getRGB(1, 1) & 0xffffff).as("white around").isEqualTo(0xffffff);
    }
}
