package org.custos.consent;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.custos.consent.ConsentCheck.Finding;
import org.custos.ui.Views;

import java.util.function.Function;

/**
 * The "Past access…" window: binds the patient, the period, the findings and their buttons to
 * {@link ConsentCheckViewModel}; a double-click shows the access in the audit browser.
 */
public final class ConsentCheckView {
    private final ConsentCheckViewModel vm;
    private Parent root;

    @FXML TextField checkPatientField;
    @FXML DatePicker checkFromPicker;
    @FXML DatePicker checkToPicker;
    @FXML Button checkRunButton;
    @FXML Label checkSummary;
    @FXML TableView<Finding> findingTable;
    @FXML TableColumn<Finding, String> verdictColumn;
    @FXML TableColumn<Finding, String> recordedColumn;
    @FXML TableColumn<Finding, String> agentColumn;
    @FXML TableColumn<Finding, String> actionColumn;
    @FXML TableColumn<Finding, String> purposeColumn;
    @FXML TableColumn<Finding, String> ruleColumn;
    @FXML TableColumn<Finding, String> consentColumn;
    @FXML TableColumn<Finding, String> eventColumn;
    @FXML TableColumn<Finding, String> detailColumn;
    @FXML Label findingPlaceholder;
    @FXML Button showEventButton;
    @FXML Button closeCheckButton;

    public ConsentCheckView(ConsentCheckViewModel vm) {
        this.vm = vm;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    /**
     * Shows the past-access window of {@code owner}'s window (one: a second call brings it to the front with the new
     * patient) and starts the check.
     */
    public static void show(ConsentCheckViewModel vm, Node owner) {
        Object open = owner.getProperties().get(ConsentCheckView.class);
        if (open instanceof Stage s && s.isShowing() && s.getUserData() instanceof ConsentCheckViewModel shown) {
            shown.patient().set(vm.patient().get());
            shown.run();
            s.toFront();
            return;
        }
        ConsentCheckView view = new ConsentCheckView(vm);
        Stage stage = new Stage();
        stage.initOwner(owner.getScene() == null ? null : owner.getScene().getWindow());
        stage.titleProperty().bind(vm.patient().map(p -> "Past access — " + p));
        Scene scene = new Scene(view.root());
        if (owner.getScene() != null) {
            scene.getStylesheets().setAll(owner.getScene().getStylesheets());
        }
        stage.setScene(scene);
        stage.setUserData(vm);
        stage.setOnHidden(e -> {
            owner.getProperties().remove(ConsentCheckView.class);
            vm.cancel();
        });
        owner.getProperties().put(ConsentCheckView.class, stage);
        stage.show();
        vm.run();
    }

    @FXML
    void initialize() {
        checkPatientField.textProperty().bindBidirectional(vm.patient());
        checkFromPicker.valueProperty().bindBidirectional(vm.from());
        checkToPicker.valueProperty().bindBidirectional(vm.to());
        checkRunButton.disableProperty().bind(vm.busy());
        checkSummary.textProperty().bind(vm.summary());
        column(verdictColumn, f -> f.verdict().word());
        column(recordedColumn, vm::when);
        column(agentColumn, Finding::agent);
        column(actionColumn, Finding::action);
        column(purposeColumn, Finding::purpose);
        column(ruleColumn, Finding::rule);
        column(consentColumn, Finding::consent);
        column(eventColumn, f -> f.origin() + " · " + f.eventId());
        column(detailColumn, Finding::detail);
        findingTable.setItems(vm.findings());
        findingTable.setRowFactory(t -> {
            TableRow<Finding> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    vm.open(row.getItem());
                }
            });
            return row;
        });
        showEventButton.disableProperty().bind(findingTable.getSelectionModel().selectedItemProperty().isNull());
    }

    /** A text column whose cells show their whole text as a tooltip (rules and references are long). */
    private static void column(TableColumn<Finding, String> c, Function<Finding, String> f) {
        c.setCellValueFactory(r -> {
            String v = f.apply(r.getValue());
            return new ReadOnlyStringWrapper(v == null ? "" : v);
        });
        c.setCellFactory(col -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                setTooltip(empty || item == null || item.isEmpty() ? null : new javafx.scene.control.Tooltip(item));
            }
        });
    }

    @FXML
    void run() {
        vm.run();
    }

    @FXML
    void showEvent() {
        vm.open(findingTable.getSelectionModel().getSelectedItem());
    }

    @FXML
    void close() {
        root.getScene().getWindow().hide();
    }
}
