package org.custos.provenance;

import javafx.fxml.FXML;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.custos.ui.Views;

import java.io.File;

/**
 * The detail of one Provenance: its fields (references open the resource they name), its signatures' verdicts with
 * their reasons and the trust store, the graph around its target, and its raw JSON and XML.
 */
public final class ProvenanceDetailView {
    private final ProvenanceDetailViewModel vm;
    private final Node graph;
    private Parent root;

    @FXML Label titleLabel;
    @FXML TabPane detailTabs;
    @FXML Tab signaturesTab;
    @FXML Tab graphTab;
    @FXML Tab xmlTab;
    @FXML GridPane fieldGrid;
    @FXML Label trustLabel;
    @FXML VBox verdictBox;
    @FXML StackPane graphPane;
    @FXML TextArea jsonText;
    @FXML TextArea xmlText;
    @FXML Button eventsButton;
    @FXML Label detailMessage;

    /** {@code graph}: the graph view's root, shown in the Graph tab. */
    public ProvenanceDetailView(ProvenanceDetailViewModel vm, Node graph) {
        this.vm = vm;
        this.graph = graph;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    /** Brings the Graph tab forward. */
    public void showGraphTab() {
        detailTabs.getSelectionModel().select(graphTab);
    }

    /** Brings the Signatures tab forward. */
    public void showSignaturesTab() {
        detailTabs.getSelectionModel().select(signaturesTab);
    }

    @FXML
    void initialize() {
        titleLabel.textProperty().bind(vm.title());
        trustLabel.textProperty().bind(vm.trustText());
        jsonText.textProperty().bind(vm.json());
        xmlText.textProperty().bind(vm.xml());
        detailMessage.textProperty().bind(vm.message());
        eventsButton.disableProperty().bind(vm.opened().isNull());
        vm.fields().addListener((javafx.collections.ListChangeListener<ProvenanceDetailViewModel.Field>) c -> fill());
        vm.verdicts().addListener((javafx.collections.ListChangeListener<ProvenanceDetailViewModel.VerdictItem>) c ->
                showVerdicts());
        xmlTab.selectedProperty().addListener((o, a, now) -> {
            if (now) {
                vm.loadXml();
            }
        });
        vm.opened().addListener((o, a, now) -> {
            if (now != null && xmlTab.isSelected()) {
                vm.loadXml();
            }
            if (now != null && graphTab.isSelected()) {
                vm.showGraph();
            }
        });
        graphTab.selectedProperty().addListener((o, a, now) -> {
            if (now) {
                vm.showGraph();
            }
        });
        if (graph != null) {
            graphPane.getChildren().setAll(graph);
        }
        vm.shown().addListener((o, a, s) -> {
            if (s != null) {
                showResource(s);
                vm.shown().set(null);
            }
        });
    }

    private void fill() {
        fieldGrid.getChildren().clear();
        int row = 0;
        for (ProvenanceDetailViewModel.Field f : vm.fields()) {
            Label label = new Label(f.label());
            label.getStyleClass().add("text-muted");
            Node value;
            if (f.reference() != null) {
                Hyperlink link = new Hyperlink(f.value());
                link.setWrapText(true);
                link.setOnAction(e -> vm.openReference(f.reference()));
                value = link;
            } else {
                Label l = new Label(f.value());
                l.setWrapText(true);
                value = l;
            }
            fieldGrid.addRow(row++, label, value);
        }
    }

    private void showResource(ProvenanceDetailViewModel.Shown s) {
        TextArea text = new TextArea(s.json());
        text.setEditable(false);
        text.getStyleClass().add("raw-text");
        Stage stage = new Stage();
        stage.setTitle(s.title());
        stage.initOwner(window());
        Scene scene = new Scene(text, 720, 600);
        if (root.getScene() != null) {
            scene.getStylesheets().setAll(root.getScene().getStylesheets());
        }
        stage.setScene(scene);
        stage.show();
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    @FXML
    void chooseTrustStore() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Trusted certificates");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("PEM certificates or PKCS#12", "*.pem", "*.crt", "*.cer", "*.p12",
                        "*.pfx"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = chooser.showOpenDialog(window());
        if (f == null) {
            return;
        }
        char[] password = null;
        if (vm.needsPassword(f.toPath())) {
            TextInputDialog ask = new TextInputDialog();
            PasswordField field = new PasswordField();
            ask.getDialogPane().setContent(new VBox(6, new Label("Password of " + f.getName()
                    + " (empty when it has none)"), field));
            ask.setTitle("Trust store password");
            ask.setHeaderText(null);
            ask.initOwner(window());
            if (ask.showAndWait().isEmpty()) {
                return;
            }
            password = field.getText().toCharArray();
        }
        vm.useTrustStore(f.toPath(), password);
    }

    @FXML
    void verify() {
        vm.verify();
    }

    @FXML
    void showAuditEvents() {
        vm.showAuditEvents();
    }

    /** Each verdict: its words in colour, the signature it is about, the reason wrapped to the width. */
    private void showVerdicts() {
        verdictBox.getChildren().clear();
        if (vm.verdicts().isEmpty()) {
            verdictBox.getChildren().add(new Label("No signature checked (none on this Provenance, or none opened)."));
        }
        for (ProvenanceDetailViewModel.VerdictItem item : vm.verdicts()) {
            Label verdict = new Label(item.verdict());
            verdict.getStyleClass().add(item.valid() ? "verdict-valid" : "verdict-other");
            Label sig = new Label("Signature " + item.signature());
            sig.setWrapText(true);
            Label reason = new Label(item.reason());
            reason.setWrapText(true);
            verdictBox.getChildren().add(new VBox(2, verdict, sig, reason));
        }
    }
}
