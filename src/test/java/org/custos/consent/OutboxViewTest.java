package org.custos.consent;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Outbox…" window on a (headless) screen: it loads, lists, and its buttons follow the selection. */
@ExtendWith(ApplicationExtension.class)
class OutboxViewTest {
    private final OutboxViewModelTest.FakeEntries entries = new OutboxViewModelTest.FakeEntries();
    private final OutboxViewModel vm = new OutboxViewModel(entries, new ImmediateTaskRunner());

    @Start
    void start(Stage stage) {
        stage.setScene(new Scene(new OutboxView(vm).root()));
        stage.show();
        vm.refresh();
    }

    @Test
    void listsTheEntriesAndRetriesTheSelectedFailure(FxRobot robot) {
        TableView<?> table = robot.lookup("#outboxTable").queryAs(TableView.class);
        Button retry = robot.lookup("#retryButton").queryButton();
        Button discard = robot.lookup("#discardButton").queryButton();
        assertThat(table.getItems()).hasSize(4);
        assertThat(retry.isDisabled()).isTrue();
        assertThat(discard.isDisabled()).isTrue();
        robot.interact(() -> table.getSelectionModel().select(0));
        assertThat(retry.isDisabled()).isFalse();
        assertThat(discard.isDisabled()).isFalse();
        robot.clickOn(retry);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(entries.calls).containsExactly("retry 1");
        assertThat(robot.lookup("#outboxMessage").queryAs(Label.class).getText()).contains("waits to be sent again");
    }
}
