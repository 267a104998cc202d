package org.custos.consent;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TitledPane;
import javafx.stage.Stage;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator on screen: Decide in the editor's Simulator tab highlights the except entry that decided (and only
 * it) in the form, and scrolls the form to it.
 */
@ExtendWith(ApplicationExtension.class)
class ConsentMeaningViewTest {
    ConsentEditorViewModel editor;

    @Start
    void start(Stage stage) throws Exception {
        editor = new ConsentEditorViewModel(json -> List.of(), (origin, id, base, json) -> null,
                new ImmediateTaskRunner(), ZoneOffset.UTC);
        assertThat(editor.open(Files.readString(Path.of("src/test/resources/examples/stu3/consent/"
                + "Consent-consent-example-Emergency.json")), "http://a")).isTrue();
        stage.setScene(new Scene(new ConsentEditorView(editor).root(), 1200, 600));
        stage.show();
    }

    @Test
    void decideHighlightsTheDecidingExceptionInTheForm(FxRobot robot) {
        robot.clickOn("Simulator");
        robot.clickOn("#simActorField").write("Organization/2.16.840.1.113883.19.6");
        robot.interact(() -> {
            editor.meaning().role().set("CST");
            editor.meaning().purpose().set("TREAT");
        });
        robot.clickOn("#simDecideButton");
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(robot.lookup("#simOutcome").queryAs(Label.class).getText()).isEqualTo("deny");
        List<Node> marked = robot.lookup((Predicate<Node>) n -> n.getStyleClass().contains("decided-rule"))
                .queryAll().stream().toList();
        assertThat(marked).singleElement().isInstanceOf(TitledPane.class);
        TitledPane pane = (TitledPane) marked.get(0);
        assertThat(robot.from(pane.getContent()).lookup((Predicate<Node>) n -> "Consent.except[1].type"
                .equals(n.getId())).tryQuery()).isPresent();
        assertThat(robot.lookup("#formScroll").queryAs(ScrollPane.class).getVvalue()).isGreaterThan(0.3);

        robot.interact(() -> editor.meaning().purpose().set("ETREAT"));
        robot.clickOn("#simDecideButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#simOutcome").queryAs(Label.class).getText()).isEqualTo("permit");
        TitledPane now = (TitledPane) robot.lookup((Predicate<Node>) n -> n.getStyleClass().contains("decided-rule"))
                .query();
        assertThat(robot.from(now.getContent()).lookup((Predicate<Node>) n -> "Consent.except[0].type"
                .equals(n.getId())).tryQuery()).isPresent();
    }
}
