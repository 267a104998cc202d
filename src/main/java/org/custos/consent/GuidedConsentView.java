package org.custos.consent;

import javafx.fxml.FXML;
import javafx.scene.AccessibleRole;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.custos.ui.Views;

import java.util.List;
import java.util.Map;

/**
 * The guided consent's steps (see {@link GuidedConsentViewModel}): one pane per step, Back and Next below. Large type,
 * keyboard only possible (mnemonics, Enter adds the person found, every control focus-traversable), every control
 * named for screen readers.
 */
public final class GuidedConsentView {
    private final GuidedConsentViewModel vm;
    private Runnable onClose = () -> { };
    private Parent root;

    @FXML Label stepLabel;
    @FXML Label messageLabel;
    @FXML ScrollPane choosePane;
    @FXML VBox choiceBox;
    @FXML VBox peoplePane;
    @FXML TextField searchField;
    @FXML ListView<GuidedConsent.Person> foundList;
    @FXML ListView<GuidedConsent.Person> chosenList;
    @FXML Button addButton;
    @FXML Button removeButton;
    @FXML ScrollPane checkPane;
    @FXML VBox summaryBox;
    @FXML VBox decisionsBox;
    @FXML VBox signPane;
    @FXML TextField keyField;
    @FXML PasswordField passwordField;
    @FXML Button signButton;
    @FXML Button saveOnlyButton;
    @FXML VBox donePane;
    @FXML Label doneLabel;
    @FXML Button cancelButton;
    @FXML Button backButton;
    @FXML Button nextButton;
    @FXML ProgressIndicator busyIndicator;

    public GuidedConsentView(GuidedConsentViewModel vm) {
        this.vm = vm;
    }

    /** What "Cancel" and "Back to my consents" do. */
    public GuidedConsentView onClose(Runnable r) {
        onClose = r;
        return this;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        ToggleGroup group = new ToggleGroup();
        for (GuidedConsent.Choice c : vm.choices()) {
            RadioButton b = new RadioButton(c.title());
            b.setId("choice-" + c.name());
            b.setToggleGroup(group);
            b.setUserData(c);
            b.setAccessibleText(c.title() + ". " + c.description());
            Label note = new Label(c.description());
            note.setWrapText(true);
            note.getStyleClass().add("guided-choice-note");
            note.setMinHeight(Region.USE_PREF_SIZE);
            VBox box = new VBox(4, b, note);
            box.getStyleClass().add("guided-choice");
            choiceBox.getChildren().add(box);
        }
        group.selectedToggleProperty().addListener((o, was, now) -> vm.choice().set(now == null ? null
                : (GuidedConsent.Choice) now.getUserData()));
        vm.choice().addListener((o, was, now) -> group.getToggles()
                .forEach(t -> t.setSelected(t.getUserData() == now)));

        searchField.textProperty().bindBidirectional(vm.search());
        foundList.setItems(vm.found());
        chosenList.setItems(vm.chosen());
        foundList.setCellFactory(l -> new PersonCell());
        chosenList.setCellFactory(l -> new PersonCell());
        foundList.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                add();
                e.consume();
            }
        });
        foundList.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                add();
            }
        });
        addButton.disableProperty().bind(foundList.getSelectionModel().selectedItemProperty().isNull());
        removeButton.disableProperty().bind(chosenList.getSelectionModel().selectedItemProperty().isNull());

        vm.summary().addListener((javafx.collections.ListChangeListener<String>) c -> lines(summaryBox,
                vm.summary().stream().map(t -> new String[]{t, null}).toList()));
        vm.decisions().addListener((javafx.collections.ListChangeListener<GuidedConsent.Decision>) c ->
                lines(decisionsBox, vm.decisions().stream().map(d -> new String[]{d.text(),
                        GuidedConsentViewModel.styleOf(d)}).toList()));

        keyField.textProperty().bindBidirectional(vm.keyFile());
        messageLabel.textProperty().bind(vm.message());
        messageLabel.visibleProperty().bind(vm.message().isNotEmpty().and(vm.step().isNotEqualTo(
                GuidedConsentViewModel.Step.DONE)));
        messageLabel.managedProperty().bind(messageLabel.visibleProperty());
        messageLabel.accessibleTextProperty().bind(vm.message());
        doneLabel.textProperty().bind(vm.message());
        busyIndicator.visibleProperty().bind(vm.busy());
        signButton.disableProperty().bind(vm.busy());
        saveOnlyButton.disableProperty().bind(vm.busy());
        nextButton.disableProperty().bind(vm.canGoOn().not());
        for (Button b : List.of(nextButton, backButton, cancelButton)) {
            b.managedProperty().bind(b.visibleProperty());
        }
        vm.step().addListener((o, was, now) -> show(now));
        show(vm.step().get());
    }

    private void show(GuidedConsentViewModel.Step s) {
        Map<GuidedConsentViewModel.Step, Node> panes = Map.of(GuidedConsentViewModel.Step.CHOOSE, choosePane,
                GuidedConsentViewModel.Step.PEOPLE, peoplePane, GuidedConsentViewModel.Step.CHECK, checkPane,
                GuidedConsentViewModel.Step.SIGN, signPane, GuidedConsentViewModel.Step.DONE, donePane);
        panes.forEach((step, pane) -> pane.setVisible(step == s));
        stepLabel.setText(vm.stepText());
        stepLabel.setAccessibleText(vm.stepText());
        boolean done = s == GuidedConsentViewModel.Step.DONE;
        nextButton.setVisible(s != GuidedConsentViewModel.Step.SIGN && !done);
        backButton.setVisible(s != GuidedConsentViewModel.Step.CHOOSE && !done);
        cancelButton.setVisible(!done);
        if (s != GuidedConsentViewModel.Step.SIGN) {
            passwordField.clear();
        }
        Node first = switch (s) {
            case CHOOSE -> choiceBox.getChildren().isEmpty() ? nextButton
                    : ((VBox) choiceBox.getChildren().get(0)).getChildren().get(0);
            case PEOPLE -> searchField;
            case CHECK -> nextButton;
            case SIGN -> keyField;
            case DONE -> donePane.getChildren().get(1);
        };
        first.requestFocus();
    }

    /** One label per line: its text and style class (null: none). */
    private static void lines(VBox box, List<String[]> texts) {
        box.getChildren().clear();
        for (String[] line : texts) {
            String t = line[0];
            Label l = new Label(t);
            l.setWrapText(true);
            l.setMinHeight(Region.USE_PREF_SIZE);
            l.setFocusTraversable(true);
            l.setAccessibleRole(AccessibleRole.TEXT);
            l.setAccessibleText(t);
            if (line[1] != null) {
                l.getStyleClass().add(line[1]);
            }
            box.getChildren().add(l);
        }
    }

    @FXML
    void find() {
        vm.find();
    }

    @FXML
    void add() {
        vm.add(foundList.getSelectionModel().getSelectedItem());
    }

    @FXML
    void remove() {
        vm.remove(chosenList.getSelectionModel().getSelectedItem());
    }

    @FXML
    void next() {
        vm.next();
    }

    @FXML
    void back() {
        vm.back();
    }

    @FXML
    void close() {
        passwordField.clear();
        onClose.run();
    }

    @FXML
    void chooseKey() {
        javafx.stage.FileChooser c = new javafx.stage.FileChooser();
        c.setTitle("Choose the file of your signing key");
        c.getExtensionFilters().addAll(new javafx.stage.FileChooser.ExtensionFilter("Signing keys (.p12, .pfx)",
                "*.p12", "*.pfx"), new javafx.stage.FileChooser.ExtensionFilter("Any file", "*"));
        java.io.File f = c.showOpenDialog(keyField.getScene() == null ? null : keyField.getScene().getWindow());
        if (f != null) {
            vm.keyFile().set(f.getAbsolutePath());
        }
    }

    @FXML
    void signAndSave() {
        char[] pw = passwordField.getText().toCharArray();
        passwordField.clear();
        vm.signAndSave(pw.length == 0 ? null : pw);
        java.util.Arrays.fill(pw, '\0');
    }

    @FXML
    void saveWithoutSigning() {
        passwordField.clear();
        vm.saveWithoutSigning();
    }

    /** A person as "Name (what they are)", spoken the same. */
    private static final class PersonCell extends ListCell<GuidedConsent.Person> {
        @Override
        protected void updateItem(GuidedConsent.Person p, boolean empty) {
            super.updateItem(p, empty);
            setText(empty || p == null ? null : p.described());
            setAccessibleText(empty || p == null ? null : p.described());
        }
    }
}
