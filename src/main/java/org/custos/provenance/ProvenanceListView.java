package org.custos.provenance;

import javafx.collections.FXCollections;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import org.custos.ui.Columns;

import java.util.List;
import org.custos.ui.Views;

/** The Provenance tab: the filters and the list bound to the view model, the detail of the selected row beside it. */
public final class ProvenanceListView {
    private final ProvenanceListViewModel vm;
    private final ProvenanceDetailView detailView;
    private final ProvenanceSignView signView;
    private Parent root;

    @FXML TextField targetField;
    @FXML TextField agentField;
    @FXML TextField entityField;
    @FXML TextField activityField;
    @FXML DatePicker fromPicker;
    @FXML DatePicker toPicker;
    @FXML ComboBox<String> originBox;
    @FXML ComboBox<ProvenanceListViewModel.Status> statusBox;
    @FXML Label provenanceCount;
    @FXML Label provenanceMessage;
    @FXML TableView<ProvenanceListViewModel.Item> provenanceTable;
    @FXML TableColumn<ProvenanceListViewModel.Item, String> recordedColumn;
    @FXML TableColumn<ProvenanceListViewModel.Item, String> targetColumn;
    @FXML TableColumn<ProvenanceListViewModel.Item, String> agentColumn;
    @FXML TableColumn<ProvenanceListViewModel.Item, String> activityColumn;
    @FXML TableColumn<ProvenanceListViewModel.Item, String> signatureColumn;
    @FXML TableColumn<ProvenanceListViewModel.Item, String> originColumn;
    @FXML TableColumn<ProvenanceListViewModel.Item, String> idColumn;
    @FXML Button moreButton;
    @FXML StackPane detailPane;

    public ProvenanceListView(ProvenanceListViewModel vm, ProvenanceDetailView detailView,
                              ProvenanceSignView signView) {
        this.vm = vm;
        this.detailView = detailView;
        this.signView = signView;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    /** Tells the list when its tab comes forward (a stale list is read again then). */
    public void showing(javafx.beans.value.ObservableBooleanValue selected) {
        vm.shownProperty().bind(selected);
    }

    @FXML
    void initialize() {
        targetField.textProperty().bindBidirectional(vm.target);
        agentField.textProperty().bindBidirectional(vm.agent);
        entityField.textProperty().bindBidirectional(vm.entity);
        activityField.textProperty().bindBidirectional(vm.activity);
        fromPicker.valueProperty().bindBidirectional(vm.from);
        toPicker.valueProperty().bindBidirectional(vm.to);
        originBox.setItems(vm.origins());
        originBox.valueProperty().bindBidirectional(vm.origin);
        statusBox.setItems(FXCollections.observableArrayList(ProvenanceListViewModel.Status.values()));
        statusBox.valueProperty().bindBidirectional(vm.status);
        provenanceCount.textProperty().bind(vm.countText());
        provenanceMessage.textProperty().bind(vm.message());
        provenanceTable.setItems(vm.rows());
        // the cache sorts (keyset pages): the Recorded header turns the order, the other columns do not sort
        recordedColumn.setSortType(TableColumn.SortType.DESCENDING);
        provenanceTable.getSortOrder().add(recordedColumn);
        provenanceTable.setSortPolicy(t -> {
            boolean asc = recordedColumn.getSortType() == TableColumn.SortType.ASCENDING;
            if (asc != vm.ascending.get()) {
                vm.toggleSort();
            }
            return true;
        });
        for (TableColumn<ProvenanceListViewModel.Item, String> c : List.of(targetColumn, agentColumn, activityColumn,
                signatureColumn, originColumn, idColumn)) {
            c.setSortable(false);
        }
        Columns.text(recordedColumn, ProvenanceListViewModel.Item::recorded);
        Columns.text(targetColumn, ProvenanceListViewModel.Item::targets);
        Columns.text(agentColumn, ProvenanceListViewModel.Item::agents);
        Columns.text(activityColumn, ProvenanceListViewModel.Item::activity);
        Columns.text(signatureColumn, ProvenanceListViewModel.Item::signatures);
        Columns.text(originColumn, ProvenanceListViewModel.Item::origin);
        Columns.text(idColumn, ProvenanceListViewModel.Item::id);
        provenanceTable.getSelectionModel().selectedItemProperty().addListener((o, a, item) -> {
            if (item != null) {
                vm.selected().set(item);
            }
        });
        vm.selected().addListener((o, a, item) -> {
            if (item != null && provenanceTable.getSelectionModel().getSelectedItem() != item) {
                provenanceTable.getSelectionModel().select(item);
            }
        });
        moreButton.visibleProperty().bind(vm.moreProperty());
        detailPane.getChildren().setAll(detailView.root());
    }

    @FXML
    void search() {
        vm.search();
    }

    @FXML
    void clear() {
        vm.clear();
    }

    @FXML
    void loadMore() {
        vm.loadMore();
    }

    @FXML
    void sign() {
        vm.startSigning();
        signView.show(root.getScene() == null ? null : root.getScene().getWindow());
    }
}
