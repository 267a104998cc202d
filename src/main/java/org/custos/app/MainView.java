package org.custos.app;

import javafx.application.Platform;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tab;
import org.custos.consent.ConsentListView;
import org.custos.provenance.ProvenanceListView;
import org.custos.review.PatientAccessView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.custos.audit.AuditView;
import org.custos.servers.ServersView;
import org.custos.sources.SourcesView;
import org.custos.cli.VersionProvider;
import org.custos.ui.FxTaskRunner;
import org.custos.ui.Views;

import java.io.File;
import java.util.List;

/** The main window: menu, the tabs (audit events, consents, provenance, patient access, …), the status bar. */
public final class MainView {
    private final MainViewModel vm;
    private final ConsentListView consentView;
    private final ProvenanceListView provenanceView;
    private final PatientAccessView accessView;
    private final AuditView auditView;
    private final QuarantineView quarantineView;
    private final ServersView serversView;
    private final SourcesView sourcesView;
    private final FxTaskRunner tasks;
    private Parent root;
    /** Tabs of features wired after the window's own (added after the Provenance tab, in this order). */
    private final List<Tab> featureTabs = new java.util.ArrayList<>();

    @FXML TabPane tabs;
    @FXML Tab auditTab;
    @FXML Tab consentTab;
    @FXML Tab provenanceTab;
    @FXML Tab accessTab;
    @FXML Tab quarantineTab;
    @FXML Tab serversTab;
    @FXML Tab sourcesTab;
    @FXML ProgressBar progress;
    @FXML Label statusLabel;
    @FXML Button cancelButton;
    @FXML Label cacheLabel;
    @FXML MenuItem importItem;
    @FXML MenuItem demoItem;
    @FXML MenuItem verifyItem;

    public MainView(MainViewModel vm, AuditView auditView, ConsentListView consentView,
                    ProvenanceListView provenanceView, PatientAccessView accessView, QuarantineView quarantineView,
                    ServersView serversView, SourcesView sourcesView, FxTaskRunner tasks) {
        this.vm = vm;
        this.provenanceView = provenanceView;
        this.accessView = accessView;
        this.auditView = auditView;
        this.consentView = consentView;
        this.quarantineView = quarantineView;
        this.serversView = serversView;
        this.sourcesView = sourcesView;
        this.tasks = tasks;
    }

    /** Adds a feature's tab: after the Patient access tab and the tabs added before it. */
    public Tab addTab(String title, Parent content) {
        Tab t = new Tab(title, content);
        featureTabs.add(t);
        if (tabs != null) {
            tabs.getTabs().add(tabs.getTabs().indexOf(accessTab) + featureTabs.size(), t);
        }
        return t;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        auditTab.setContent(auditView.root());
        consentTab.setContent(consentView.root());
        consentView.showing(consentTab.selectedProperty());
        provenanceTab.setContent(provenanceView.root());
        provenanceView.showing(provenanceTab.selectedProperty());
        accessTab.setContent(accessView.root());
        accessView.showing(accessTab.selectedProperty());
        tabs.getTabs().addAll(tabs.getTabs().indexOf(accessTab) + 1, featureTabs);
        vm.auditWantedProperty().addListener((o, a, b) -> {
            auditTab.getTabPane().getSelectionModel().select(auditTab);
            if (window() instanceof javafx.stage.Stage s) {
                s.toFront();
            }
        });
        quarantineTab.setContent(quarantineView.root());
        serversTab.setContent(serversView.root());
        sourcesTab.setContent(sourcesView.root());
        quarantineTab.textProperty().bind(vm.quarantine().titleProperty());
        progress.visibleProperty().bind(tasks.busyProperty());
        progress.managedProperty().bind(tasks.busyProperty());
        progress.progressProperty().bind(tasks.progressProperty());
        statusLabel.textProperty().bind(tasks.messageProperty());
        cancelButton.visibleProperty().bind(vm.importingProperty());
        cancelButton.managedProperty().bind(vm.importingProperty());
        importItem.disableProperty().bind(vm.importingProperty());
        demoItem.disableProperty().bind(vm.importingProperty());
        verifyItem.disableProperty().bind(vm.importingProperty());
        cacheLabel.textProperty().bind(vm.cacheInfoProperty());

        Node noMatch = new Label("No events match these filters.");
        Node empty = emptyState();
        auditView.setPlaceholder(empty);
        vm.cacheEmptyProperty().addListener((o, a, isEmpty) -> auditView.setPlaceholder(isEmpty ? empty : noMatch));
        vm.lastImportProperty().addListener((o, a, s) -> {
            if (s != null) {
                showSummary(s);
            }
        });
        vm.demoQuestionProperty().addListener((o, a, question) -> {
            if (question != null && window() == null) {
                vm.answerDemoQuestion(false); // closing: nothing is added
            } else if (question != null) {
                Alert ask = new Alert(Alert.AlertType.CONFIRMATION, question, ButtonType.CANCEL, ButtonType.OK);
                ask.setTitle("Add the demo data?");
                ask.setHeaderText("This cache holds real data");
                ((Button) ask.getDialogPane().lookupButton(ButtonType.OK)).setText("Add the demo data");
                ask.initOwner(window());
                vm.answerDemoQuestion(ask.showAndWait().filter(b -> b == ButtonType.OK).isPresent());
            }
        });
        vm.openNoticeProperty().addListener((o, a, text) -> {
            if (text != null) {
                showSummary(new MainViewModel.ImportSummary("Opening the cache", text, false));
            }
        });
    }

    /** What a person sees first on an empty cache: the way to the demo data and to their own files. */
    private Node emptyState() {
        ImageView icon = new ImageView(new Image(MainView.class.getResourceAsStream("icon-128.png")));
        Label title = new Label("No audit events in the cache yet");
        title.getStyleClass().add("title-3");
        Label text = new Label("Explore the bundled demo data (6,000 realistic STU3 AuditEvents and the provenance of "
                + "some patients' documents, from a hospital over "
                + "90 days), or import your own FHIR files: Bundles, NDJSON or XML.");
        text.setWrapText(true);
        text.setMaxWidth(520);
        Button demo = new Button("Explore demo data");
        demo.setId("exploreDemoButton");
        demo.getStyleClass().add("accent");
        demo.setDefaultButton(true);
        demo.setOnAction(e -> vm.loadDemoData());
        demo.disableProperty().bind(vm.importingProperty());
        Button imp = new Button("Import files…");
        imp.setOnAction(e -> importFiles());
        imp.disableProperty().bind(vm.importingProperty());
        HBox buttons = new HBox(10, demo, imp);
        buttons.setAlignment(Pos.CENTER);
        VBox box = new VBox(14, icon, title, text, buttons);
        box.setAlignment(Pos.CENTER);
        box.getStyleClass().add("empty-state");
        return box;
    }

    private void showSummary(MainViewModel.ImportSummary s) {
        if (window() == null) {
            return; // the window shows something else now (Custos is closing): no dialog pops up over it
        }
        Alert a = new Alert(s.problems() ? Alert.AlertType.WARNING : Alert.AlertType.INFORMATION, "", ButtonType.OK);
        a.setTitle(s.title());
        a.setHeaderText(s.title());
        TextArea body = new TextArea(s.text());
        body.setEditable(false);
        body.setWrapText(true);
        body.setPrefRowCount(Math.min(14, (int) s.text().lines().count() + 1));
        a.getDialogPane().setContent(body);
        a.initOwner(window());
        a.show();
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    @FXML
    void importFiles() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Import FHIR files");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("FHIR files (JSON, NDJSON, XML, gzipped)", "*.json", "*.ndjson",
                        "*.jsonl", "*.xml", "*.gz"),
                new FileChooser.ExtensionFilter("All files", "*"));
        List<File> files = chooser.showOpenMultipleDialog(window());
        if (files == null || files.isEmpty()) {
            return;
        }
        // which origin the files' resources belong to: "files", or the server they were exported from
        javafx.scene.control.ComboBox<String> origin = new javafx.scene.control.ComboBox<>(
                javafx.collections.FXCollections.observableArrayList(vm.importOrigins()));
        origin.setEditable(true);
        origin.setId("importOriginField");
        origin.setValue(origin.getItems().get(0));
        origin.setPrefWidth(420);
        Label hint = new Label("Resources of one origin are compared by id and version; other origins never "
                + "replace them. Keep \"files\", or name the server the files were exported from (its base URL) "
                + "to have them compared with what syncing it brings, or give them a name of their own.");
        hint.setWrapText(true);
        hint.setMaxWidth(420);
        javafx.scene.control.Dialog<String> ask = new javafx.scene.control.Dialog<>();
        ask.setTitle("Import FHIR files");
        ask.setHeaderText("Import " + (files.size() == 1 ? files.get(0).getName() : files.size() + " files")
                + " into which origin?");
        ask.getDialogPane().setContent(new VBox(10, origin, hint));
        ask.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, ButtonType.OK);
        ((Button) ask.getDialogPane().lookupButton(ButtonType.OK)).setText("Import");
        ask.setResultConverter(b -> b == ButtonType.OK ? origin.getEditor().getText() : null);
        ask.initOwner(window());
        ask.showAndWait().ifPresent(o -> vm.importFiles(files.stream().map(File::toPath).toList(), o));
    }

    @FXML
    void loadDemo() {
        vm.loadDemoData();
    }

    @FXML
    void cancel() {
        vm.cancelImport();
    }

    @FXML
    void verify() {
        vm.verifyCache();
    }

    /** Saves the ledger's head to a file the user keeps elsewhere (a later verify can be given it). */
    @FXML
    void exportHead() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the cache's chain head");
        chooser.setInitialFileName("custos-chain-head.txt");
        File f = chooser.showSaveDialog(window());
        if (f == null) {
            return;
        }
        tasks.submit(null, p -> {
            String head = vm.ledgerHead();
            java.nio.file.Files.writeString(org.custos.cli.PrivateFiles.create(f.toPath()), head + System.lineSeparator());
            return head;
        }, head -> statusNote("Chain head " + head + " written to " + f), t -> statusNote("Cannot write "
                + f + ": " + t.getMessage()));
    }

    private void statusNote(String text) {
        Alert a = new Alert(Alert.AlertType.INFORMATION, text, ButtonType.OK);
        a.setHeaderText("Chain head");
        a.initOwner(window());
        a.show();
    }

    /** As closing the window: an unsaved consent edit asks first, and the window says what closing waits for. */
    @FXML
    void quit() {
        Window w = window();
        if (w == null) {
            Platform.exit();
        } else {
            w.fireEvent(new javafx.stage.WindowEvent(w, javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST));
        }
    }

    @FXML
    void about() {
        var v = new VersionProvider().getVersion();
        Alert a = new Alert(Alert.AlertType.INFORMATION, String.join("\n", v) + "\n\nCache: "
                + vm.cacheInfoProperty().get() + "\nLogs: " + System.getProperty("custos.logdir", "(not set)"),
                ButtonType.OK);
        a.setTitle("About Custos");
        a.setHeaderText("Custos — FHIR STU3 audit, consent and provenance workstation");
        a.initOwner(window());
        a.show();
    }
}
