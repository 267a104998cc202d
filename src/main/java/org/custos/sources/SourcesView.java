package org.custos.sources;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import org.custos.ui.Views;

import java.util.function.Function;

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
        column(nameColumn, SourcesViewModel.Row::name);
        column(kindColumn, SourcesViewModel.Row::kind);
        column(eventsColumn, SourcesViewModel.Row::events);
        column(flaggedColumn, SourcesViewModel.Row::flagged);
        column(consentsColumn, SourcesViewModel.Row::consents);
        column(provenancesColumn, SourcesViewModel.Row::provenances);
        column(quarantinedColumn, SourcesViewModel.Row::quarantined);
        column(lastSyncColumn, SourcesViewModel.Row::lastSync);
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

    private static void column(TableColumn<SourcesViewModel.Row, String> c,
                               Function<SourcesViewModel.Row, String> f) {
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
    }
}
