package org.custos.review;

import org.custos.cache.AlertList;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextInputDialog;
import javafx.stage.FileChooser;
import org.custos.ui.Columns;
import org.custos.ui.Views;

import java.io.File;

/** The Cases tab: the investigations, the selected one's alerts and notes, and its PDF. */
public final class CaseListView {
    private final CaseListViewModel vm;
    private Parent root;

    @FXML TableView<CaseListViewModel.Item> caseTable;
    @FXML TableColumn<CaseListViewModel.Item, String> caseTitleColumn;
    @FXML TableColumn<CaseListViewModel.Item, String> caseStatusColumn;
    @FXML TableColumn<CaseListViewModel.Item, String> caseAlertsColumn;
    @FXML TableColumn<CaseListViewModel.Item, String> caseEventsColumn;
    @FXML TableColumn<CaseListViewModel.Item, String> caseChangedColumn;
    @FXML ListView<String> caseAlertList;
    @FXML ListView<String> caseNoteList;
    @FXML TextArea caseNoteArea;
    @FXML Button caseNoteButton;
    @FXML Button caseCloseButton;
    @FXML Button casePdfButton;
    @FXML Label caseMessage;

    public CaseListView(CaseListViewModel vm) {
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
        caseTable.setItems(vm.rows());
        Columns.text(caseTitleColumn, CaseListViewModel.Item::title);
        Columns.text(caseStatusColumn, CaseListViewModel.Item::status);
        Columns.text(caseAlertsColumn, CaseListViewModel.Item::alerts);
        Columns.text(caseEventsColumn, CaseListViewModel.Item::events);
        Columns.text(caseChangedColumn, CaseListViewModel.Item::changed);
        Columns.selection(caseTable, vm.selected());
        caseAlertList.setItems(vm.alerts());
        caseNoteList.setItems(vm.notes());
        caseNoteArea.textProperty().bindBidirectional(vm.noteText);
        caseMessage.textProperty().bind(vm.message());
        caseCloseButton.textProperty().bind(javafx.beans.binding.Bindings.when(vm.closedProperty())
                .then("Open again").otherwise("Close case"));
        var none = vm.selected().isNull();
        for (var c : java.util.List.of(caseNoteArea, caseNoteButton, caseCloseButton, casePdfButton)) {
            c.disableProperty().bind(none);
        }
    }

    @FXML
    void newCase() {
        TextInputDialog t = new TextInputDialog();
        t.setTitle("A new case");
        t.setHeaderText("The new case's title");
        t.initOwner(root.getScene() == null ? null : root.getScene().getWindow());
        t.showAndWait().ifPresent(vm::open);
    }

    @FXML
    void addNote() {
        vm.addNote();
    }

    @FXML
    void toggleClosed() {
        vm.toggleClosed();
    }

    @FXML
    void exportPdf() {
        FileChooser c = new FileChooser();
        c.setTitle("Write the case as a PDF");
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter("PDF", "*.pdf"));
        c.setInitialFileName("case.pdf");
        File f = c.showSaveDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (f != null) {
            vm.exportPdf(f.toPath());
        }
    }

    @FXML
    void refresh() {
        vm.refresh("");
    }
}
