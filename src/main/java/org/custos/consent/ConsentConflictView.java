package org.custos.consent;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.cell.ChoiceBoxTableCell;
import org.custos.ui.Views;

/** The conflict screen: binds the differences table, the three texts and the choices to the view model. */
public final class ConsentConflictView {
    private final ConsentConflictViewModel vm;
    private final Runnable close;
    private Parent root;

    @FXML Label conflictSummary;
    @FXML TableView<ConsentConflictViewModel.Difference> differencesTable;
    @FXML TableColumn<ConsentConflictViewModel.Difference, String> pathColumn;
    @FXML TableColumn<ConsentConflictViewModel.Difference, String> serverColumn;
    @FXML TableColumn<ConsentConflictViewModel.Difference, String> mineColumn;
    @FXML TableColumn<ConsentConflictViewModel.Difference, ConsentConflictViewModel.Side> keepColumn;
    @FXML TextArea mineText;
    @FXML TextArea serverText;
    @FXML TextArea mergedText;
    @FXML Button laterButton;
    @FXML Button theirsButton;
    @FXML Button mineButton;
    @FXML Button mergeButton;
    @FXML Button dropButton;

    /** {@code close}: closes the window this screen is in. */
    public ConsentConflictView(ConsentConflictViewModel vm, Runnable close) {
        this.vm = vm;
        this.close = close;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        conflictSummary.textProperty().bind(vm.summary());
        mineButton.textProperty().bind(vm.keepMineText());
        for (Button b : new Button[]{theirsButton, mergeButton}) {
            b.visibleProperty().bind(vm.serverKnown());
            b.managedProperty().bind(b.visibleProperty());
        }
        dropButton.visibleProperty().bind(vm.serverKnown().not());
        dropButton.managedProperty().bind(dropButton.visibleProperty());
        pathColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().path()));
        serverColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().server()));
        mineColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().mine()));
        keepColumn.setCellValueFactory(c -> c.getValue().keep());
        keepColumn.setCellFactory(ChoiceBoxTableCell.forTableColumn(ConsentConflictViewModel.Side.values()));
        differencesTable.setItems(vm.differences());
        mineText.setText(vm.mineJson());
        serverText.setText(vm.serverJson());
        mergedText.setText(vm.mergedPreview());
        vm.differences().forEach(d -> d.keep().addListener((o, a, b) -> mergedText.setText(vm.mergedPreview())));
        vm.decided().addListener((o, a, now) -> {
            if (now) {
                close.run();
            }
        });
    }

    @FXML
    void later() {
        close.run();
    }

    @FXML
    void takeServers() {
        vm.takeServers();
    }

    @FXML
    void dropMine() {
        vm.dropMine();
    }

    @FXML
    void keepMine() {
        vm.keepMine();
    }

    @FXML
    void merge() {
        vm.merge();
    }
}
