package org.custos.consent;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceDialog;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.controlsfx.control.CheckComboBox;
import org.controlsfx.control.textfield.AutoCompletionBinding;
import org.controlsfx.control.textfield.TextFields;
import org.custos.ui.Views;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Consents tab: binds the filters and the table to the view model; opens each consent's editor in a window of
 * its own (closing one with unsaved changes asks first), and a conflict screen when a save meets a newer version.
 */
public final class ConsentListView {
    private final ConsentListViewModel vm;
    private final List<Stage> editors = new ArrayList<>();
    /** The open editor of each consent (origin|id): opening it again brings that window to the front. */
    private final java.util.Map<String, Stage> byConsent = new java.util.HashMap<>();
    private Parent root;

    @FXML TextField consentPatientField;
    @FXML Button allPatientsButton;
    @FXML CheckComboBox<String> statusBox;
    @FXML ComboBox<String> categoryBox;
    @FXML TextField consentTextField;
    @FXML Button consentSearchButton;
    @FXML MenuButton newConsentButton;
    @FXML Label consentCount;
    @FXML Label consentMessage;
    @FXML Label outboxLabel;
    @FXML TableView<ConsentListViewModel.Row> consentTable;
    @FXML javafx.scene.control.TextArea consentSummaryText;
    @FXML TableColumn<ConsentListViewModel.Row, String> statusColumn;
    @FXML TableColumn<ConsentListViewModel.Row, String> categoryColumn;
    @FXML TableColumn<ConsentListViewModel.Row, String> patientColumn;
    @FXML TableColumn<ConsentListViewModel.Row, String> periodColumn;
    @FXML TableColumn<ConsentListViewModel.Row, String> dateColumn;
    @FXML TableColumn<ConsentListViewModel.Row, String> originColumn;
    @FXML TableColumn<ConsentListViewModel.Row, String> idColumn;
    @FXML TableColumn<ConsentListViewModel.Row, String> flagsColumn;
    @FXML Button openConsentButton;
    @FXML Button pastAccessButton;
    @FXML Button moreButton;

    public ConsentListView(ConsentListViewModel vm) {
        this.vm = vm;
    }

    /** Tells the list when it is on screen (its tab selected): a cache change refreshes it then, not before. */
    public void showing(javafx.beans.value.ObservableBooleanValue selected) {
        vm.shown().bind(selected);
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        consentPatientField.textProperty().bindBidirectional(vm.patientText());
        AutoCompletionBinding<ConsentEditorViewModel.Suggestion> completion = TextFields.bindAutoCompletion(
                consentPatientField, r -> vm.suggest(r.getUserText()), new javafx.util.StringConverter<>() {
                    @Override
                    public String toString(ConsentEditorViewModel.Suggestion s) {
                        return s == null ? "" : s.toString();
                    }

                    @Override
                    public ConsentEditorViewModel.Suggestion fromString(String s) {
                        return null;
                    }
                });
        completion.setOnAutoCompleted(e -> vm.pickPatient(e.getCompletion()));
        completion.setPrefWidth(520);
        completion.setVisibleRowCount(12);
        statusBox.getItems().setAll(ConsentListViewModel.STATUSES);
        statusBox.getCheckModel().getCheckedItems().addListener(
                (javafx.collections.ListChangeListener<String>) c -> vm.statuses().setAll(
                        statusBox.getCheckModel().getCheckedItems()));
        categoryBox.setItems(vm.categoryCodes());
        categoryBox.setOnShowing(e -> vm.categoryCodes());
        categoryBox.setCellFactory(l -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(String code, boolean empty) {
                super.updateItem(code, empty);
                setText(empty ? null : vm.categoryLabel(code));
            }
        });
        categoryBox.valueProperty().bindBidirectional(vm.category());
        consentTextField.textProperty().bindBidirectional(vm.text());
        consentCount.textProperty().bind(vm.countText());
        consentMessage.textProperty().bind(vm.message());
        outboxLabel.textProperty().bind(vm.outboxText());
        column(statusColumn, ConsentListViewModel.Row::status);
        column(categoryColumn, ConsentListViewModel.Row::categories);
        column(patientColumn, ConsentListViewModel.Row::patient);
        column(periodColumn, ConsentListViewModel.Row::period);
        column(dateColumn, ConsentListViewModel.Row::dateTime);
        column(originColumn, ConsentListViewModel.Row::origin);
        column(idColumn, r -> r.id() + (r.versionId() == null ? "" : " · " + r.versionId()));
        column(flagsColumn, ConsentListViewModel.Row::flags);
        consentTable.setItems(vm.rows());
        consentTable.setRowFactory(t -> {
            TableRow<ConsentListViewModel.Row> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    vm.open(row.getItem());
                }
            });
            return row;
        });
        consentTable.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                openSelected();
            }
        });
        openConsentButton.disableProperty().bind(consentTable.getSelectionModel().selectedItemProperty().isNull());
        pastAccessButton.disableProperty().bind(vm.canCheck().not());
        consentSummaryText.textProperty().bind(vm.summary());
        consentTable.getSelectionModel().selectedItemProperty().addListener((o, before, now) -> vm.select(now));
        moreButton.visibleProperty().bind(vm.more());
        moreButton.disableProperty().bind(vm.busy());
        for (ConsentListViewModel.Template t : vm.templates()) {
            MenuItem item = new MenuItem(t.name() + " — " + t.description());
            item.setOnAction(e -> create(t));
            newConsentButton.getItems().add(item);
        }
        vm.editor().addListener((obs, before, now) -> {
            if (now != null) {
                vm.editor().set(null);
                showEditor(now);
            }
        });
    }

    private static void column(TableColumn<ConsentListViewModel.Row, String> c,
                               Function<ConsentListViewModel.Row, String> f) {
        c.setCellValueFactory(r -> new ReadOnlyStringWrapper(f.apply(r.getValue())));
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    private void create(ConsentListViewModel.Template t) {
        List<String> targets = vm.targets();
        String target = targets.size() == 1 ? targets.get(0) : null;
        if (targets.size() > 1) {
            ChoiceDialog<String> d = new ChoiceDialog<>(targets.get(0), targets);
            d.initOwner(window());
            d.setTitle("Save the new consent to");
            d.setHeaderText("Which server will hold this consent?");
            target = d.showAndWait().orElse(null);
            if (target == null) {
                return;
            }
        }
        vm.create(t, target);
    }

    /** A window for one consent's editor; closing it with unsaved changes asks first. */
    private void showEditor(ConsentEditorViewModel editorVm) {
        String key = editorVm.key();
        Stage open = byConsent.get(key);
        if (open != null) {
            open.toFront();
            return;
        }
        ConsentEditorView view = new ConsentEditorView(editorVm);
        Stage stage = new Stage();
        stage.initOwner(window());
        stage.titleProperty().bind(editorVm.title());
        Scene scene = new Scene(view.root(), 1280, 820);
        if (root.getScene() != null) {
            scene.getStylesheets().setAll(root.getScene().getStylesheets());
        }
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> {
            if (!mayClose(editorVm, stage)) {
                e.consume();
            }
        });
        stage.setOnHidden(e -> {
            editors.remove(stage);
            byConsent.remove(key);
            vm.search();
        });
        editorVm.conflictScreen().addListener((obs, before, screen) -> {
            if (screen != null) {
                showConflict(screen, stage);
            }
        });
        editors.add(stage);
        byConsent.put(key, stage);
        stage.show();
    }

    private void showConflict(ConsentConflictViewModel screen, Stage owner) {
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle("Version conflict");
        ConsentConflictView view = new ConsentConflictView(screen, stage::close);
        Scene scene = new Scene(view.root());
        scene.getStylesheets().setAll(owner.getScene().getStylesheets());
        stage.setScene(scene);
        stage.show();
    }

    /** Whether the editor may close: no unsaved changes, or the user chose to discard them. */
    private boolean mayClose(ConsentEditorViewModel editorVm, Stage stage) {
        if (!editorVm.needsConfirmationToClose()) {
            return true;
        }
        ButtonType discard = new ButtonType("Discard changes", ButtonBar.ButtonData.NO);
        ButtonType keep = new ButtonType("Keep editing", ButtonBar.ButtonData.CANCEL_CLOSE);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "This consent has changes that are not saved. Close the "
                + "editor and lose them?", keep, discard);
        a.initOwner(stage);
        a.setTitle("Unsaved changes");
        a.setHeaderText("Unsaved changes");
        Optional<ButtonType> answer = a.showAndWait();
        return answer.isPresent() && answer.get() == discard;
    }

    /** Asks every open editor with unsaved changes; false when the user keeps one open (the app then stays). */
    public boolean closeEditors() {
        for (Stage s : List.copyOf(editors)) {
            s.toFront();
            ConsentEditorView v = (ConsentEditorView) s.getScene().getRoot().getProperties().get(ConsentEditorView.class);
            if (v != null && !mayClose(v.model(), s)) {
                return false;
            }
            s.hide();
        }
        return true;
    }

    @FXML
    void allPatients() {
        vm.allPatients();
    }

    @FXML
    void search() {
        vm.search();
    }

    @FXML
    void loadMore() {
        vm.loadMore();
    }

    @FXML
    void showPastAccess() {
        ConsentCheckViewModel check = vm.checkScreen(consentTable.getSelectionModel().getSelectedItem());
        if (check != null) {
            ConsentCheckView.show(check, root);
        }
    }

    @FXML
    void showOutbox() {
        OutboxView.show(vm.outboxScreen(), root, vm::search);
    }

    @FXML
    void openSelected() {
        vm.open(consentTable.getSelectionModel().getSelectedItem());
    }
}
