package org.custos.app;

import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeTableView;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.custos.TestData;
import org.custos.cache.AuditFilter;
import org.custos.cache.AuditSummary;
import org.custos.cache.Cache;
import org.custos.cache.CacheDamage;
import org.custos.demo.DemoGenerator;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit browser never shows one event's detail beside another's row, and a refresh keeps the user's place. */
@ExtendWith(ApplicationExtension.class)
class AuditBrowserUiTest {
    @TempDir
    static Path dir;
    UiWindow ui;
    Cache cache;
    MainWindow window;
    final DemoGenerator gen = new DemoGenerator(TestData.FHIR.context(), 11, Instant.parse("2026-06-30T12:00:00Z"),
            60);

    @Start
    void start(Stage stage) {
        // the app's theme (its row height left the flow's first cell wholly above the viewport after a refresh)
        javafx.application.Application.setUserAgentStylesheet(new atlantafx.base.theme.PrimerLight()
                .getUserAgentStylesheet());
        ui = UiWindow.show(stage, Cache.open(dir.resolve("ui-" + System.nanoTime())), dir, 1280, 800);
        cache = ui.cache;
        window = ui.window;
    }


    @AfterEach
    void stop() throws Exception {
        ui.close();
        javafx.application.Application.setUserAgentStylesheet(null); // the other tests' default (Modena)
    }

    private static void waitUntil(String what, java.util.concurrent.Callable<Boolean> condition) {
        UiWindow.waitUntil(what, condition);
    }

    private void importDemo(int from, int count) {
        new Importer(cache, TestData.FHIR).importStream("files", "test", new ByteArrayInputStream(
                gen.bundleJson(from, count, from == 0).getBytes(StandardCharsets.UTF_8)), "b.json", Importer.SILENT);
    }

    @Test
    void aDetailThatFailsToLoadClearsThePaneAndSaysWhy(FxRobot robot) throws Exception {
        importDemo(0, 300);
        AuditSummary newest = cache.audit().page(AuditFilter.ALL, null, false, 1).get(0);
        CacheDamage.breakRawBlockOf(cache, newest.id()); // the whole first batch: every row's text is unreadable
        importDemo(300, 300);
        robot.interact(() -> window.model().start());
        Label match = robot.lookup(".match-count").queryAs(Label.class);
        waitUntil("600 events", () -> "600 events".equals(match.getText()));
        TableView<AuditSummary> table = robot.lookup("#table").queryTableView();
        TextArea json = robot.lookup("#jsonArea").queryAs(TextArea.class);
        TreeTableView<?> tree = robot.lookup("#detailTree").queryAs(TreeTableView.class);
        Label why = robot.lookup("#detailErrorLabel").queryAs(Label.class);

        int good = indexOfBatch(table, 300, 600);
        int bad = indexOfBatch(table, 0, 300);
        robot.interact(() -> {
            table.getSelectionModel().clearAndSelect(good);
            table.scrollTo(good);
        });
        waitUntil("a readable event shows", () -> tree.getRoot() != null && !json.getText().isEmpty());
        robot.interact(() -> {
            table.getSelectionModel().clearAndSelect(bad);
            table.scrollTo(bad);
        });
        waitUntil("the pane is cleared and says why", () -> why.isVisible() && why.getText().startsWith(
                "Cannot show this event:"));
        assertThat(tree.getRoot()).isNull();
        assertThat(json.getText()).isEmpty();
        assertThat(robot.lookup("#xmlArea").queryAs(TextArea.class).getText()).isEmpty();
        robot.interact(() -> table.getSelectionModel().clearAndSelect(good));
        waitUntil("the readable event again", () -> !why.isVisible() && tree.getRoot() != null);
    }

    /** The index of a row whose event is one of the demo events {@code from..to-1} (ids "ae-<n>"). */
    private int indexOfBatch(TableView<AuditSummary> table, int from, int to) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        gen.events(from, to - from).forEach(e -> ids.add(e.getIdElement().getIdPart()));
        for (int i = 0; i < table.getItems().size(); i++) {
            AuditSummary row = cache.audit().byPks(new long[]{window.model().audit().pkAt(i)}).get(0);
            if (ids.contains(row.id())) {
                return i;
            }
        }
        throw new AssertionError("no row of the batch");
    }

    @Test
    void aRefreshDuringASyncKeepsTheAppliedFilterTheSelectionTheScrollAndTheDetail(FxRobot robot) {
        importDemo(0, 2000);
        robot.interact(() -> window.model().start());
        Label match = robot.lookup(".match-count").queryAs(Label.class);
        waitUntil("2,000 events", () -> "2,000 events".equals(match.getText()));
        TableView<AuditSummary> table = robot.lookup("#table").queryTableView();

        // applied: outcome "0" (successes, most events); typed but not applied: a patient nobody has
        robot.interact(() -> window.model().audit().outcome.set(org.custos.audit.AuditViewModel.OUTCOMES.get(1)));
        robot.interact(() -> window.model().audit().search());
        long successes = cache.audit().count(AuditFilter.ALL.withOutcome("0"), Long.MAX_VALUE);
        waitUntil("the successes are listed", () -> String.format("%,d events", successes).equals(match.getText()));
        robot.clickOn("#patientField").write("Patient/nobody-at-all");

        int selected = 400;
        robot.interact(() -> {
            table.scrollTo(380);
            table.getSelectionModel().clearAndSelect(selected);
        });
        TextArea json = robot.lookup("#jsonArea").queryAs(TextArea.class);
        waitUntil("the detail shows", () -> !json.getText().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        String detail = json.getText();
        long selectedPk = window.model().audit().pkAt(selected);
        long topPk = window.model().audit().pkAt(firstVisible(table));

        // a sync stores new events, newer and older than the ones in view, and the browser refreshes
        importDemo(2000, 1000);
        robot.interact(() -> window.model().refresh());
        long successesNow = cache.audit().count(AuditFilter.ALL.withOutcome("0"), Long.MAX_VALUE);
        assertThat(successesNow).isGreaterThan(successes);
        waitUntil("the new successes are listed", () -> String.format("%,d events", successesNow)
                .equals(match.getText()));
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(robot.lookup("#patientField").queryAs(TextField.class).getText())
                .isEqualTo("Patient/nobody-at-all");
        assertThat(window.model().audit().applied().patient()).isNull();
        assertThat(window.model().audit().applied().outcome()).isEqualTo("0");
        int nowSelected = table.getSelectionModel().getSelectedIndex();
        assertThat(nowSelected).isNotNegative();
        assertThat(window.model().audit().pkAt(nowSelected)).isEqualTo(selectedPk);
        assertThat(json.getText()).isEqualTo(detail);
        assertThat(window.model().audit().pkAt(firstVisible(table))).isEqualTo(topPk);
        robot.interact(table::requestFocus);
        robot.type(KeyCode.DOWN); // the keyboard goes on from the kept selection
        waitUntil("the next event shows", () -> table.getSelectionModel().getSelectedIndex() == nowSelected + 1);
    }

    /** The first row shown (the flow's first cell can lie wholly above the viewport: its next one is shown first). */
    private static int firstVisible(TableView<?> table) {
        VirtualFlow<?> flow = (VirtualFlow<?>) table.lookup(".virtual-flow");
        javafx.scene.control.IndexedCell<?> first = flow.getFirstVisibleCell();
        return first.getLayoutY() + first.getHeight() <= 0.5 ? first.getIndex() + 1 : first.getIndex();
    }
}
