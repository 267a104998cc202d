package org.custos.app;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.custos.cache.QuarantineItem;
import org.custos.ui.Views;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;

/** The quarantine tab: what could not be imported, why, and where from. */
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
        column(atColumn, q -> TIME.format(Instant.ofEpochMilli(q.at()).atZone(ZoneId.systemDefault())));
        column(originColumn, QuarantineItem::origin);
        column(locationColumn, QuarantineItem::location);
        column(resourceColumn, q -> q.type() == null ? "" : q.type() + (q.resourceId() == null ? ""
                : "/" + q.resourceId()));
        column(reasonColumn, QuarantineItem::reason);
        quarantineTable.setItems(vm.items());
        quarantineTable.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> vm.select(b));
        contentArea.textProperty().bind(vm.contentProperty());
    }

    private static void column(TableColumn<QuarantineItem, String> c, Function<QuarantineItem, String> f) {
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
    }
}
