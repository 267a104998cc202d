package org.custos.review;

import javafx.collections.FXCollections;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceDialog;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.input.MouseButton;
import org.custos.ui.Columns;
import org.custos.ui.Views;

import java.util.ArrayList;
import java.util.List;

/** The Alerts tab: the queue bound to its view model, the selected alert's events and review beside it. */
public final class AlertQueueView {
    static final String NEW_CASE = "A new case…";
    private final AlertQueueViewModel vm;
    private final RuleSettingsView rulesView;
    private Parent root;

    @FXML ComboBox<AlertQueueViewModel.Show> alertShowBox;
    @FXML ComboBox<String> alertRuleBox;
    @FXML Label alertCount;
    @FXML Label alertMessage;
    @FXML TableView<AlertQueueViewModel.Item> alertTable;
    @FXML TableColumn<AlertQueueViewModel.Item, String> firstColumn;
    @FXML TableColumn<AlertQueueViewModel.Item, String> ruleColumn;
    @FXML TableColumn<AlertQueueViewModel.Item, String> userColumn;
    @FXML TableColumn<AlertQueueViewModel.Item, String> patientColumn;
    @FXML TableColumn<AlertQueueViewModel.Item, String> eventsColumn;
    @FXML TableColumn<AlertQueueViewModel.Item, String> statusColumn;
    @FXML TableColumn<AlertQueueViewModel.Item, String> assigneeColumn;
    @FXML TableColumn<AlertQueueViewModel.Item, String> caseColumn;
    @FXML Button alertMoreButton;
    @FXML TextArea alertDetailText;
    @FXML TableView<AlertQueueViewModel.EventItem> alertEventTable;
    @FXML TableColumn<AlertQueueViewModel.EventItem, String> eventTimeColumn;
    @FXML TableColumn<AlertQueueViewModel.EventItem, String> eventWhatColumn;
    @FXML TableColumn<AlertQueueViewModel.EventItem, String> eventAgentsColumn;
    @FXML TableColumn<AlertQueueViewModel.EventItem, String> eventPatientsColumn;
    @FXML ComboBox<AlertQueueViewModel.Status> alertStatusBox;
    @FXML TextField alertAssigneeField;
    @FXML Button alertSaveButton;
    @FXML ListView<String> alertNoteList;
    @FXML TextArea alertNoteArea;
    @FXML Button alertNoteButton;
    @FXML Button alertCaseButton;

    public AlertQueueView(AlertQueueViewModel vm, RuleSettingsView rulesView) {
        this.vm = vm;
        this.rulesView = rulesView;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        alertShowBox.setItems(FXCollections.observableArrayList(AlertQueueViewModel.Show.values()));
        alertShowBox.valueProperty().bindBidirectional(vm.show);
        alertRuleBox.setItems(vm.rules());
        alertRuleBox.valueProperty().bindBidirectional(vm.rule);
        alertShowBox.valueProperty().addListener((o, a, b) -> vm.search());
        alertRuleBox.valueProperty().addListener((o, a, b) -> vm.search());
        alertCount.textProperty().bind(vm.countText());
        alertMessage.textProperty().bind(vm.message());
        alertTable.setItems(vm.rows());
        Columns.text(firstColumn, AlertQueueViewModel.Item::first);
        Columns.text(ruleColumn, AlertQueueViewModel.Item::rule);
        Columns.text(userColumn, AlertQueueViewModel.Item::user);
        Columns.text(patientColumn, AlertQueueViewModel.Item::patient);
        Columns.text(eventsColumn, AlertQueueViewModel.Item::events);
        Columns.text(statusColumn, AlertQueueViewModel.Item::status);
        Columns.text(assigneeColumn, AlertQueueViewModel.Item::assignee);
        Columns.text(caseColumn, AlertQueueViewModel.Item::inCase);
        Columns.selection(alertTable, vm.selected());
        alertMoreButton.visibleProperty().bind(vm.moreProperty());
        alertDetailText.textProperty().bind(vm.detail());
        alertEventTable.setItems(vm.events());
        Columns.text(eventTimeColumn, AlertQueueViewModel.EventItem::recorded);
        Columns.text(eventWhatColumn, AlertQueueViewModel.EventItem::what);
        Columns.text(eventAgentsColumn, AlertQueueViewModel.EventItem::agents);
        Columns.text(eventPatientsColumn, AlertQueueViewModel.EventItem::patients);
        alertEventTable.setRowFactory(t -> {
            TableRow<AlertQueueViewModel.EventItem> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) {
                    vm.open(row.getItem());
                }
            });
            return row;
        });
        alertStatusBox.setItems(FXCollections.observableArrayList(AlertQueueViewModel.Status.values()));
        alertStatusBox.valueProperty().bindBidirectional(vm.status);
        alertAssigneeField.textProperty().bindBidirectional(vm.assignee);
        alertNoteList.setItems(vm.notes());
        alertNoteList.setCellFactory(l -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                setWrapText(true);
                setPrefWidth(0); // wrap to the list's width instead of scrolling sideways
            }
        });
        alertNoteArea.textProperty().bindBidirectional(vm.noteText);
        var none = vm.selected().isNull();
        for (var c : List.of(alertStatusBox, alertAssigneeField, alertSaveButton, alertNoteArea, alertNoteButton, alertCaseButton)) {
            c.disableProperty().bind(none);
        }
    }

    @FXML
    void search() {
        vm.search();
    }

    @FXML
    void openRules() {
        rulesView.show(root.getScene() == null ? null : root.getScene().getWindow());
    }

    @FXML
    void loadMore() {
        vm.loadMore();
    }

    @FXML
    void save() {
        vm.saveDecision();
    }

    @FXML
    void addNote() {
        vm.addNote();
    }

    @FXML
    void openEvent() {
        vm.open(alertEventTable.getSelectionModel().getSelectedItem());
    }

    @FXML
    void addToCase() {
        List<String> choices = new ArrayList<>(vm.caseChoices());
        choices.add(0, NEW_CASE);
        ChoiceDialog<String> d = new ChoiceDialog<>(choices.get(choices.size() > 1 ? 1 : 0), choices);
        d.setTitle("Add to a case");
        d.setHeaderText("Which investigation does this alert belong to?");
        d.initOwner(root.getScene() == null ? null : root.getScene().getWindow());
        d.showAndWait().ifPresent(choice -> {
            Long id = vm.caseOf(choice);
            if (id != null) {
                vm.addToCase(id, null);
                return;
            }
            TextInputDialog t = new TextInputDialog();
            t.setTitle("A new case");
            t.setHeaderText("The new case's title");
            t.initOwner(root.getScene() == null ? null : root.getScene().getWindow());
            t.showAndWait().ifPresent(title -> vm.addToCase(null, title));
        });
    }
}
