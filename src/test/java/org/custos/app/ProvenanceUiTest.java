package org.custos.app;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.custos.TestData;
import org.custos.cache.Cache;
import org.custos.provenance.GraphLayout;
import org.custos.provenance.GraphPane;
import org.custos.provenance.ProvenanceListViewModel;
import org.custos.provenance.SignerFiles;
import org.custos.sync.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reviewer's way through the Provenance tab: a consent is signed in the signing window, the list shows its
 * Provenance, the detail names target and signer, the signature is valid against the trust store, the graph shows the
 * chain around the consent (its sources, followed by a double click), and after the consent changed the same
 * signature is invalid.
 */
@ExtendWith(ApplicationExtension.class)
class ProvenanceUiTest {
    static final String CONSENT = "Consent/consent-example-pkb";
    @TempDir
    static Path dir;
    UiWindow ui;

    @Start
    void start(Stage stage) {
        ui = UiWindow.show(stage, Cache.open(dir.resolve("ui-" + System.nanoTime())), dir, 1280, 800);
    }

    @AfterEach
    void stop() throws Exception {
        new FxRobot().interact(() -> List.copyOf(Window.getWindows()).stream().filter(w -> w instanceof Stage s
                && s.getOwner() != null).forEach(w -> ((Stage) w).close()));
        ui.close();
    }

    private static <T extends Node> T in(Window w, FxRobot robot, String id) {
        return robot.from(w.getScene().getRoot()).lookup((Predicate<Node>) n -> id.equals(n.getId())).query();
    }

    private static String verdicts(FxRobot robot) {
        VBox box = robot.lookup("#verdictBox").query();
        StringBuilder b = new StringBuilder();
        box.getChildren().forEach(n -> n.lookupAll(".label").forEach(l -> b.append(((Label) l).getText())
                .append('\n')));
        return b.toString();
    }

    @Test
    @Timeout(180)
    void listDetailGraphAndVerify(FxRobot robot) throws Exception {
        Importer importer = new Importer(ui.cache, TestData.FHIR);
        Path consentFile = TestData.examples().resolve("consent/Consent-consent-example-pkb.json");
        importer.importFile(consentFile, Importer.SILENT);
        // the consent's own history: made from a scanned form, which was made from a letter (neither cached)
        Path chain = Files.writeString(dir.resolve("chain-" + System.nanoTime() + ".ndjson"), String.join("\n",
                "{\"resourceType\":\"Provenance\",\"id\":\"from-form\",\"target\":[{\"reference\":\"" + CONSENT
                        + "\"}],\"recorded\":\"2026-11-20T09:00:00Z\",\"agent\":[{\"whoReference\":{\"reference\":"
                        + "\"Practitioner/example\"}}],\"entity\":[{\"role\":\"derivation\",\"whatReference\":"
                        + "{\"reference\":\"DocumentReference/form\"}}]}",
                "{\"resourceType\":\"Provenance\",\"id\":\"form-from-letter\",\"target\":[{\"reference\":"
                        + "\"DocumentReference/form\"}],\"recorded\":\"2026-11-19T09:00:00Z\",\"agent\":[{"
                        + "\"whoReference\":{\"reference\":\"Organization/1\"}}],\"entity\":[{\"role\":\"source\","
                        + "\"whatReference\":{\"reference\":\"DocumentReference/letter\"}}]}"));
        assertThat(importer.importFile(chain, Importer.SILENT).quarantined()).isZero();
        SignerFiles keys = SignerFiles.write(Files.createDirectories(dir.resolve("keys-" + System.nanoTime())),
                "https://patients.example.org/Patient/example");
        ProvenanceListViewModel list = ui.window.provenance().list();
        robot.interact(() -> list.detail().useTrustStore(keys.trust(), null));

        robot.interact(() -> ui.window.view().tabs.getSelectionModel().select(ui.window.view().provenanceTab));
        try {
            UiWindow.waitUntil("the chain is listed", () -> list.rows().size() == 2);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": rows " + list.rows().size() + ", message '"
                    + list.message().get() + "', shown " + list.shownProperty().get(), e);
        }

        // sign the consent in the signing window
        robot.interact(() -> ((Button) robot.lookup("#signButton").query()).fire());
        Window signing = robot.listTargetWindows().stream().filter(w -> w instanceof Stage s
                && "Sign a resource".equals(s.getTitle())).findFirst().orElseThrow();
        robot.interact(() -> {
            ((TextField) in(signing, robot, "resourceField")).setText(CONSENT);
            ((TextField) in(signing, robot, "whoField")).setText("https://patients.example.org/Patient/example");
            ((TextField) in(signing, robot, "keyField")).setText(keys.key().toString());
            ((TextField) in(signing, robot, "certField")).setText(keys.cert().toString());
        });
        Button sign = in(signing, robot, "signNowButton");
        UiWindow.waitUntil("signing is possible", () -> !sign.isDisabled());
        robot.interact(sign::fire);
        Label message = in(signing, robot, "signMessage");
        UiWindow.waitUntil("signed", () -> message.getText().startsWith("Signed " + CONSENT));
        assertThat(message.getText()).contains("Kept in the cache under files");

        // the list shows the consent's Provenance, the new signed one among them
        UiWindow.waitUntil("the consent's Provenance are listed", () -> list.rows().size() == 2
                && list.rows().stream().anyMatch(i -> i.row().signatures() == 1));
        TableView<ProvenanceListViewModel.Item> table = robot.lookup("#provenanceTable").query();
        int signedRow = list.rows().indexOf(list.rows().stream().filter(i -> i.row().signatures() == 1)
                .findFirst().orElseThrow());
        robot.interact(() -> table.getSelectionModel().select(signedRow));
        UiWindow.waitUntil("the detail shows the target", () -> list.detail().fields().stream()
                .anyMatch(f -> f.label().equals("Target") && CONSENT.equals(f.reference())));
        assertThat(list.detail().fields()).anySatisfy(f -> assertThat(f.value())
                .contains("https://patients.example.org/Patient/example"));

        // its signature: valid, with the reason; the list row says so too
        robot.interact(() -> ui.window.provenance().detail().showSignaturesTab());
        UiWindow.waitUntil("the verdict is shown", () -> verdicts(robot).contains("valid"));
        assertThat(verdicts(robot)).startsWith("valid\n").contains("the JWS over the canonical JSON of " + CONSENT)
                .contains("CN=Dr Files");
        UiWindow.waitUntil("the row shows the check", () -> list.rows().get(signedRow).signatures()
                .equals("1 · valid"));

        // the graph: the consent, its two Provenance, the form they came from (not cached: dashed) and the agents
        robot.interact(() -> ui.window.provenance().detail().showGraphTab());
        GraphPane pane = robot.lookup("#provenanceGraph").query();
        UiWindow.waitUntil("the graph is drawn", () -> pane.getGraph() != null);
        GraphLayout.Result g = pane.getGraph();
        assertThat(g.graph().start()).isEqualTo(CONSENT);
        assertThat(g.node("DocumentReference/form")).get().satisfies(n -> assertThat(n.node().missing()).isTrue());
        assertThat(g.graph().nodes()).hasSizeGreaterThanOrEqualTo(6);
        assertThat(g.node("DocumentReference/letter")).isPresent();
        // a double click on the form re-centres the graph on it
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(pane.getGraph()).as("the same graph still shown").isSameAs(g);
        // (the pane's own lookup: TestFX's leaves out what is scrolled out of view)
        List<Rectangle> boxes = pane.lookupAll(".graph-node").stream().map(n -> (Rectangle) n).toList();
        Rectangle form = boxes.stream()
                .filter(r -> ((GraphLayout.PlacedNode) r.getUserData()).node().key().equals("DocumentReference/form"))
                .findFirst().orElseThrow(() -> new AssertionError("no box for the form among " + boxes.size() + ": "
                        + boxes.stream().map(r -> ((GraphLayout.PlacedNode) r.getUserData()).node().key()).toList()));
        robot.interact(() -> pane.centreOn("DocumentReference/form"));
        WaitForAsyncUtils.waitForFxEvents();
        // a double click as the pane receives it (a robot's two clicks can arrive as two single clicks on a busy
        // machine)
        robot.interact(() -> javafx.event.Event.fireEvent(form, new javafx.scene.input.MouseEvent(
                javafx.scene.input.MouseEvent.MOUSE_CLICKED, 5, 5, 5, 5, MouseButton.PRIMARY, 2, false, false, false,
                false, true, false, false, true, false, true, null)));
        UiWindow.waitUntil("re-centred on the form", () -> pane.getGraph() != null
                && pane.getGraph().graph().start().equals("DocumentReference/form"));

        // the consent changes: the same signature no longer holds
        String changed = Files.readString(consentFile).replaceFirst("\"status\": *\"active\"", "\"status\": \"inactive\"")
                .replaceFirst("\\{", "{\"meta\": {\"versionId\": \"2\", \"lastUpdated\": \"2030-01-01T00:00:00Z\"},");
        assertThat(importer.importFile(Files.writeString(dir.resolve("changed-" + System.nanoTime() + ".json"),
                changed), Importer.SILENT).quarantined()).isZero();
        robot.interact(() -> ui.window.provenance().detail().showSignaturesTab());
        robot.interact(() -> ((Button) robot.lookup("#verifyButton").query()).fire());
        UiWindow.waitUntil("the verdict is invalid", () -> verdicts(robot).startsWith("invalid"));
        assertThat(verdicts(robot)).contains("current content of " + CONSENT + " (version 2)");
    }
}
