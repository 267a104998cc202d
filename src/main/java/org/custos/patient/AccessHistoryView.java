package org.custos.patient;

import javafx.fxml.FXML;
import javafx.scene.AccessibleRole;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.VBox;
import org.custos.ui.Views;

/**
 * "Who looked at my record": the summary, the grouping (by person, by day) and the list, each access a sentence,
 * emergency ones marked with their note. Large type, every control named for screen readers.
 */
public final class AccessHistoryView {
    private final AccessHistoryViewModel vm;
    private Parent root;

    @FXML Label summaryLabel;
    @FXML Label statusLabel;
    @FXML RadioButton byPersonButton;
    @FXML RadioButton byDayButton;
    @FXML ListView<AccessHistoryViewModel.Row> accessList;
    @FXML ProgressIndicator busyIndicator;
    @FXML javafx.scene.control.Button savePdfButton;

    public AccessHistoryView(AccessHistoryViewModel vm) {
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
        ToggleGroup group = new ToggleGroup();
        byPersonButton.setToggleGroup(group);
        byDayButton.setToggleGroup(group);
        byPersonButton.setSelected(vm.groupingProperty().get() == AccessHistoryViewModel.Grouping.BY_PERSON);
        byDayButton.setSelected(!byPersonButton.isSelected());
        byPersonButton.selectedProperty().addListener((o, was, now) -> {
            if (now) {
                vm.groupingProperty().set(AccessHistoryViewModel.Grouping.BY_PERSON);
            }
        });
        byDayButton.selectedProperty().addListener((o, was, now) -> {
            if (now) {
                vm.groupingProperty().set(AccessHistoryViewModel.Grouping.BY_DAY);
            }
        });
        summaryLabel.textProperty().bind(vm.summaryProperty());
        summaryLabel.accessibleTextProperty().bind(vm.summaryProperty());
        statusLabel.textProperty().bind(vm.statusProperty());
        statusLabel.visibleProperty().bind(vm.statusProperty().isNotEmpty());
        statusLabel.managedProperty().bind(statusLabel.visibleProperty());
        busyIndicator.visibleProperty().bind(vm.busyProperty());
        savePdfButton.disableProperty().bind(vm.busyProperty());
        accessList.setItems(vm.rows());
        accessList.setCellFactory(l -> new RowCell());
    }

    @FXML
    void savePdf() {
        javafx.stage.FileChooser c = new javafx.stage.FileChooser();
        c.setTitle("Save who looked at my record (PDF)");
        c.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("PDF", "*.pdf"));
        c.setInitialFileName("who-looked-at-my-record.pdf");
        java.io.File f = c.showSaveDialog(savePdfButton.getScene() == null ? null
                : savePdfButton.getScene().getWindow());
        if (f != null) {
            vm.savePdf(f.toPath());
        }
    }

    /** A heading in bold, an access as wrapped text, an emergency access marked and followed by its note. */
    private static final class RowCell extends ListCell<AccessHistoryViewModel.Row> {
        RowCell() {
            setPrefWidth(0); // the list's width, not the text's, sets the row's: long sentences wrap
        }

        @Override
        protected void updateItem(AccessHistoryViewModel.Row row, boolean empty) {
            super.updateItem(row, empty);
            getStyleClass().removeAll("access-heading", "access-emergency", "access-refused");
            if (empty || row == null) {
                setGraphic(null);
                setText(null);
                setAccessibleText(null);
                return;
            }
            Label text = new Label(row.text());
            text.setWrapText(true);
            text.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
            VBox box = new VBox(4, text);
            if (row.emergency()) {
                Label mark = new Label("Emergency access");
                mark.getStyleClass().add("access-emergency-mark");
                Label note = new Label(row.note());
                note.setWrapText(true);
                note.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
                note.getStyleClass().add("access-note");
                box.getChildren().setAll(mark, text, note);
                getStyleClass().add("access-emergency");
            }
            if (row.heading()) {
                getStyleClass().add("access-heading");
            }
            if (row.refused()) {
                getStyleClass().add("access-refused");
            }
            setText(null);
            setGraphic(box);
            setAccessibleRole(AccessibleRole.LIST_ITEM);
            setAccessibleText(row.spoken());
        }
    }
}
