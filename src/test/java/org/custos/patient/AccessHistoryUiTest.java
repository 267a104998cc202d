package org.custos.patient;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.RadioButton;
import javafx.scene.input.KeyCode;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Who looked at my record" on screen: each access a sentence under its person, the emergency one marked with its
 * note, the grouping changed from the keyboard alone, and every control of the screen named for a screen reader.
 * Writes target/screenshots/patient-access-history.png.
 */
@ExtendWith(ApplicationExtension.class)
class AccessHistoryUiTest {
    private AccessHistoryViewModel vm;
    private Parent root;

    @Start
    void start(Stage stage) {
        vm = new AccessHistoryViewModel(new AccessHistoryViewModel.Source() {
            @Override
            public String patient() {
                return AccessHistoryTest.ME;
            }

            @Override
            public List<AccessHistory.RecordedEvent> accessEvents() {
                return List.of(AccessHistoryTest.LAB, AccessHistoryTest.GLASS, AccessHistoryTest.REFUSED,
                        AccessHistoryTest.MINE, AccessHistoryTest.SEARCH);
            }
        }, new ImmediateTaskRunner(), AccessHistoryTest.ZONE, AccessHistoryTest.NOW);
        root = new AccessHistoryView(vm).root();
        stage.setScene(new Scene(root, 1000, 720));
        stage.show();
        vm.load();
    }

    @Test
    void theAccessesReadAsSentencesAndEveryControlIsNamed(FxRobot robot) throws Exception {
        ListView<AccessHistoryViewModel.Row> list = robot.lookup("#accessList").query();
        assertThat(list.getItems()).hasSize(7); // three people, four accesses
        Label summary = robot.lookup("#summaryLabel").query();
        assertThat(summary.getText()).startsWith("4 looks at your record, by 3 people.");
        robot.interact(() -> list.scrollTo(list.getItems().size() - 1)); // the emergency access is the last
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".access-emergency-mark").queryAll()).isNotEmpty();
        assertThat(robot.lookup(".access-note").queryAs(Label.class).getText()).contains("breaking the glass");

        // keyboard only: from "By person", the arrow key to "By day" and Space groups by day
        RadioButton byPerson = robot.lookup("#byPersonButton").query();
        robot.interact(byPerson::requestFocus);
        robot.type(KeyCode.RIGHT).type(KeyCode.SPACE);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> ((RadioButton) robot.lookup("#byDayButton").query()).isSelected());
        assertThat(list.getItems().get(0).text()).isEqualTo("Monday 14 September 2026");

        // every control is named for a screen reader: its own accessible text, its text, or a label for it
        List<Control> unnamed = WaitForAsyncUtils.asyncFx(() -> org.custos.ui.Accessibility.unnamed(root)).get();
        assertThat(unnamed).as("controls without a name").isEmpty();
        // and the accesses themselves are read out whole
        assertThat(list.getItems()).allSatisfy(r -> assertThat(r.spoken()).isNotBlank());

        robot.clickOn("#byPersonButton");
        robot.interact(() -> list.scrollTo(0));
        WaitForAsyncUtils.waitForFxEvents();
        Path png = org.custos.ui.Screenshots.write(root.getScene(), "patient-access-history");
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }
}
