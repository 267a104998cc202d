package org.custos.app;

import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import org.custos.cache.QuarantineItem;
import org.custos.ui.Columns;
import org.custos.ui.Views;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The quarantine tab: what could not be imported, why, and where from; filter, load more, retry, delete. */
public final class QuarantineView {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final QuarantineViewModel vm;
    private Parent root;

    @FXML TableView<QuarantineItem> quarantineTable;
    @FXML TableColumn<QuarantineItem, String> atColumn;
    @FXML TableColumn<QuarantineItem, String> originColumn;
    @FXML TableColumn<QuarantineItem, String> locationColumn;
    @FXML TableColumn<QuarantineItem, String> resourceColumn;
    @FXML TableColumn<QuarantineItem, String> reasonColumn;
    @FXML TextArea contentArea;
    @FXML ComboBox<String> originFilter;
    @FXML TextField reasonFilter;
    @FXML Button retryButton;
    @FXML Button deleteButton;
    @FXML Button moreButton;
    @FXML Label summaryLabel;
    @FXML Label quarantineMessageLabel;

    public QuarantineView(QuarantineViewModel vm) {
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
        Columns.text(atColumn, q -> TIME.format(Instant.ofEpochMilli(q.at()).atZone(ZoneId.systemDefault())));
        Columns.text(originColumn, QuarantineItem::origin);
        Columns.text(locationColumn, QuarantineItem::location);
        Columns.text(resourceColumn, q -> q.type() == null ? "" : q.type() + (q.resourceId() == null ? ""
                : "/" + q.resourceId()));
        Columns.text(reasonColumn, QuarantineItem::reason);
        quarantineTable.setItems(vm.items());
        quarantineTable.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        quarantineTable.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> vm.select(b));
        contentArea.textProperty().bind(vm.contentProperty());
        originFilter.setItems(vm.origins());
        originFilter.valueProperty().bindBidirectional(vm.origin);
        originFilter.setOnAction(e -> vm.apply());
        reasonFilter.textProperty().bindBidirectional(vm.reason);
        var none = quarantineTable.getSelectionModel().selectedItemProperty().isNull();
        retryButton.disableProperty().bind(none);
        deleteButton.disableProperty().bind(none);
        moreButton.visibleProperty().bind(vm.moreProperty());
        summaryLabel.textProperty().bind(vm.summaryProperty());
        quarantineMessageLabel.textProperty().bind(vm.messageProperty());
    }

    @FXML
    void apply() {
        vm.apply();
    }

    @FXML
    void loadMore() {
        vm.loadMore();
    }

    @FXML
    void retry() {
        vm.retry(quarantineTable.getSelectionModel().getSelectedItem());
    }

    @FXML
    void delete() {
        List<QuarantineItem> chosen = List.copyOf(quarantineTable.getSelectionModel().getSelectedItems());
        if (chosen.isEmpty()) {
            return;
        }
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Delete " + chosen.size() + " quarantined item"
                + (chosen.size() == 1 ? "" : "s") + "? Their text leaves the cache; the files they came from are not "
                + "touched.", ButtonType.CANCEL, ButtonType.OK);
        a.setHeaderText("Delete from the quarantine");
        if (root.getScene() != null) {
            a.initOwner(root.getScene().getWindow());
        }
        a.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> vm.delete(chosen));
    }

}
