package org.custos.sources;

import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import org.custos.ui.Columns;
import org.custos.ui.Views;


/** The Sources tab: binds the view model to the table and buttons; the confirmation is a dialog. */
public final class SourcesView {
    private final SourcesViewModel vm;
    private Parent root;

    @FXML TableView<SourcesViewModel.Row> sourcesTable;
    @FXML TableColumn<SourcesViewModel.Row, String> nameColumn;
    @FXML TableColumn<SourcesViewModel.Row, String> kindColumn;
    @FXML TableColumn<SourcesViewModel.Row, String> eventsColumn;
    @FXML TableColumn<SourcesViewModel.Row, String> flaggedColumn;
    @FXML TableColumn<SourcesViewModel.Row, String> consentsColumn;
    @FXML TableColumn<SourcesViewModel.Row, String> provenancesColumn;
    @FXML TableColumn<SourcesViewModel.Row, String> quarantinedColumn;
    @FXML TableColumn<SourcesViewModel.Row, String> lastSyncColumn;
    @FXML Button removeButton;
    @FXML Label sourcesMessageLabel;

    public SourcesView(SourcesViewModel vm) {
        this.vm = vm;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        Columns.text(nameColumn, SourcesViewModel.Row::name);
        Columns.text(kindColumn, SourcesViewModel.Row::kind);
        Columns.text(eventsColumn, SourcesViewModel.Row::events);
        Columns.text(flaggedColumn, SourcesViewModel.Row::flagged);
        Columns.text(consentsColumn, SourcesViewModel.Row::consents);
        Columns.text(provenancesColumn, SourcesViewModel.Row::provenances);
        Columns.text(quarantinedColumn, SourcesViewModel.Row::quarantined);
        Columns.text(lastSyncColumn, SourcesViewModel.Row::lastSync);
        sourcesTable.setItems(vm.rows());
        removeButton.disableProperty().bind(sourcesTable.getSelectionModel().selectedItemProperty().isNull()
                .or(vm.busyProperty()));
        sourcesMessageLabel.textProperty().bind(vm.messageProperty());
    }

    @FXML
    void refresh() {
        vm.refresh();
    }

    @FXML
    void remove() {
        SourcesViewModel.Row row = sourcesTable.getSelectionModel().getSelectedItem();
        if (row == null) {
            return;
        }
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, vm.confirmation(row), ButtonType.CANCEL, ButtonType.OK);
        a.setTitle("Remove " + row.name());
        a.setHeaderText("Remove " + row.name() + " from the cache");
        if (root.getScene() != null) {
            a.initOwner(root.getScene().getWindow());
        }
        ((Button) a.getDialogPane().lookupButton(ButtonType.OK)).setText("Remove");
        ((Button) a.getDialogPane().lookupButton(ButtonType.OK)).setDefaultButton(false);
        ((Button) a.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        a.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> vm.remove(row));
    }

}
