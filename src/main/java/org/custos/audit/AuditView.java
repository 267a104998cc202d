package org.custos.audit;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import org.custos.cache.AuditSummary;
import org.custos.ui.Columns;
import org.custos.ui.Views;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The audit browser screen: binds the view model to the controls and does nothing else. */
public final class AuditView {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final AuditViewModel vm;
    private Parent root;

    @FXML DatePicker fromField;
    @FXML DatePicker toField;
    @FXML TextField agentField;
    @FXML TextField patientField;
    @FXML TextField entityField;
    @FXML TextField textField;
    @FXML TextField typeField;
    @FXML TextField subtypeField;
    @FXML ComboBox<AuditViewModel.Choice> actionField;
    @FXML ComboBox<AuditViewModel.Choice> outcomeField;
    @FXML TextField sourceField;
    @FXML TextField purposeField;
    @FXML ComboBox<String> originField;
    @FXML javafx.scene.control.CheckBox flaggedField;
    @FXML javafx.scene.control.CheckBox ownField;
    @FXML TableColumn<AuditSummary, String> originColumn;
    @FXML TableColumn<AuditSummary, String> flagsColumn;
    @FXML Label detailErrorLabel;
    @FXML Label matchLabel;
    @FXML Label errorLabel;
    @FXML Label exportLabel;
    @FXML ComboBox<String> savedField;
    @FXML Button saveSearchButton;
    @FXML Button deleteSearchButton;
    @FXML Label savedLabel;
    @FXML javafx.scene.control.Button exportButton;
    @FXML TableView<AuditSummary> table;
    @FXML TableColumn<AuditSummary, String> recordedColumn;
    @FXML TableColumn<AuditSummary, String> typeColumn;
    @FXML TableColumn<AuditSummary, String> subtypeColumn;
    @FXML TableColumn<AuditSummary, String> actionColumn;
    @FXML TableColumn<AuditSummary, String> outcomeColumn;
    @FXML TableColumn<AuditSummary, String> agentsColumn;
    @FXML TableColumn<AuditSummary, String> patientColumn;
    @FXML TableColumn<AuditSummary, String> entitiesColumn;
    @FXML TableColumn<AuditSummary, String> sourceColumn;
    @FXML TableColumn<AuditSummary, String> purposeColumn;
    @FXML TreeTableView<DetailNode> detailTree;
    @FXML TreeTableColumn<DetailNode, String> elementColumn;
    @FXML TreeTableColumn<DetailNode, String> valueColumn;
    @FXML TextArea jsonArea;
    @FXML TextArea xmlArea;

    public AuditView(AuditViewModel vm) {
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
        fromField.valueProperty().bindBidirectional(vm.from);
        toField.valueProperty().bindBidirectional(vm.to);
        agentField.textProperty().bindBidirectional(vm.agent);
        patientField.textProperty().bindBidirectional(vm.patient);
        entityField.textProperty().bindBidirectional(vm.entity);
        textField.textProperty().bindBidirectional(vm.text);
        typeField.textProperty().bindBidirectional(vm.type);
        subtypeField.textProperty().bindBidirectional(vm.subtype);
        sourceField.textProperty().bindBidirectional(vm.source);
        purposeField.textProperty().bindBidirectional(vm.purpose);
        actionField.getItems().setAll(AuditViewModel.ACTIONS);
        actionField.valueProperty().bindBidirectional(vm.action);
        outcomeField.getItems().setAll(AuditViewModel.OUTCOMES);
        outcomeField.valueProperty().bindBidirectional(vm.outcome);
        for (var picker : List.of(fromField, toField)) {
            picker.setOnAction(e -> vm.search());
        }
        actionField.setOnAction(e -> vm.search());
        outcomeField.setOnAction(e -> vm.search());
        originField.setItems(vm.origins());
        originField.valueProperty().bindBidirectional(vm.origin);
        originField.setOnAction(e -> vm.search());
        flaggedField.selectedProperty().bindBidirectional(vm.flaggedOnly);
        flaggedField.setOnAction(e -> vm.search());
        ownField.selectedProperty().bindBidirectional(vm.includeOwn);
        ownField.setOnAction(e -> vm.search());
        matchLabel.textProperty().bind(vm.matchTextProperty());
        errorLabel.textProperty().bind(vm.errorProperty());
        exportLabel.textProperty().bind(vm.export().message());
        SavedSearchesModel saved = vm.saved();
        if (saved == null) {
            for (javafx.scene.Node n : List.of(savedField, saveSearchButton, deleteSearchButton)) {
                n.setDisable(true);
            }
        } else {
            savedField.setItems(saved.names());
            savedField.valueProperty().bindBidirectional(saved.chosen());
            savedField.setOnAction(e -> saved.apply(savedField.getValue()));
            deleteSearchButton.disableProperty().bind(saved.chosen().isNull());
            savedLabel.textProperty().bind(saved.message());
            saved.load();
        }
        exportButton.textProperty().bind(javafx.beans.binding.Bindings.when(vm.export().exportingProperty())
                .then("Cancel export").otherwise("Export…"));

        String zone = vm.zone().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.getDefault());
        recordedColumn.setText("Recorded (" + zone + ")");
        Columns.text(recordedColumn, r -> TIME.format(Instant.ofEpochMilli(r.recorded()).atZone(vm.zone())));
        Columns.text(typeColumn, AuditSummary::type);
        Columns.text(subtypeColumn, AuditSummary::subtype);
        Columns.text(actionColumn, AuditSummary::action);
        Columns.text(outcomeColumn, AuditSummary::outcome);
        Columns.text(agentsColumn, AuditSummary::agents);
        Columns.text(patientColumn, AuditSummary::patients);
        Columns.text(entitiesColumn, AuditSummary::entities);
        Columns.text(sourceColumn, AuditSummary::source);
        Columns.text(purposeColumn, AuditSummary::purposes);
        Columns.text(originColumn, AuditViewModel::originLabel);
        Columns.text(flagsColumn, AuditSummary::flags);
        table.setItems(vm.rows());
        recordedColumn.setSortType(TableColumn.SortType.DESCENDING);
        table.getSortOrder().add(recordedColumn);
        table.setSortPolicy(t -> {
            boolean asc = recordedColumn.getSortType() == TableColumn.SortType.ASCENDING;
            if (asc != vm.ascending.get()) {
                vm.toggleSort();
            }
            return true;
        });
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(AuditSummary item, boolean empty) {
                super.updateItem(item, empty);
                java.util.Set<String> styles = vm.rowStyles(empty ? null : item);
                for (String style : AuditViewModel.ROW_STYLES) {
                    pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass(style), styles.contains(style));
                }
            }
        });
        vm.pagesLoadedProperty().addListener((o, a, b) -> table.refresh());
        table.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> vm.select(b.intValue()));
        vm.swappingProperty().addListener((o, was, now) -> keepPlace(now));
        vm.revealProperty().addListener((o, was, now) -> {
            if (now.intValue() >= 0) {
                table.getSelectionModel().clearAndSelect(now.intValue());
                table.scrollTo(Math.max(0, now.intValue() - 3));
                table.requestFocus();
            }
        });
        detailErrorLabel.textProperty().bind(vm.detailErrorProperty());
        detailErrorLabel.visibleProperty().bind(vm.detailErrorProperty().isNotEmpty());
        detailErrorLabel.managedProperty().bind(vm.detailErrorProperty().isNotEmpty());

        detailTree.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_LAST_COLUMN);
        elementColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().getValue().label()));
        valueColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().getValue().value()));
        valueColumn.setCellFactory(c -> new javafx.scene.control.TreeTableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                // long values (decoded queries, narrative) are read in full in the tooltip
                setTooltip(empty || item == null || item.length() < 40 ? null : new javafx.scene.control.Tooltip(item));
            }
        });
        vm.detailProperty().addListener((o, a, d) -> detailTree.setRoot(d == null ? null : tree(d, 0)));
        jsonArea.textProperty().bind(vm.detailJsonProperty());
        xmlArea.textProperty().bind(vm.detailXmlProperty());
    }

    private long keptSelectedPk = -1;
    private long keptTopPk = -1;

    /** A refresh swaps the rows: the selected event stays selected and the first visible event stays on top. */
    private void keepPlace(boolean swapping) {
        if (swapping) {
            keptSelectedPk = vm.pkAt(table.getSelectionModel().getSelectedIndex());
            var flow = (javafx.scene.control.skin.VirtualFlow<?>) table.lookup(".virtual-flow");
            var top = flow == null ? null : flow.getFirstVisibleCell();
            keptTopPk = top == null ? -1 : vm.pkAt(top.getIndex());
            return;
        }
        int top = vm.indexOfPk(keptTopPk);
        if (top >= 0) {
            table.scrollTo(top);
        }
        int selected = vm.indexOfPk(keptSelectedPk);
        if (selected >= 0) {
            table.getSelectionModel().clearAndSelect(selected);
        } else {
            table.getSelectionModel().clearSelection();
            vm.select(-1);
        }
    }

    @FXML
    void apply() {
        vm.search();
    }

    @FXML
    void export() {
        if (vm.export().exportingProperty().get()) {
            vm.export().cancel();
            return;
        }
        javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
        chooser.setTitle("Export the events listed");
        for (AuditExportModel.Choice c : AuditExportModel.CHOICES) {
            chooser.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter(c.label(), c.pattern()));
        }
        chooser.setInitialFileName("audit-events.csv");
        java.io.File f = chooser.showSaveDialog(exportButton.getScene() == null ? null
                : exportButton.getScene().getWindow());
        if (f != null) {
            int chosen = chooser.getExtensionFilters().indexOf(chooser.getSelectedExtensionFilter());
            vm.exportTo(f.toPath(), AuditExportModel.CHOICES.get(Math.max(0, chosen)).format());
        }
    }

    @FXML
    void saveSearch() {
        javafx.scene.control.TextInputDialog d = new javafx.scene.control.TextInputDialog(
                savedField.getValue() == null ? "" : savedField.getValue());
        d.setTitle("Save this search");
        d.setHeaderText("A name for the filter fields as they are now");
        d.initOwner(saveSearchButton.getScene() == null ? null : saveSearchButton.getScene().getWindow());
        d.showAndWait().ifPresent(name -> vm.saved().save(name));
    }

    @FXML
    void deleteSearch() {
        vm.saved().deleteChosen();
    }

    @FXML
    void clear() {
        vm.clear();
    }

    /** Keyboard: Ctrl+F goes to free text; Escape clears the filters. */
    public void installShortcuts(javafx.scene.Scene scene) {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN),
                () -> textField.requestFocus());
        root.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                vm.clear();
            }
        });
    }

    public void setPlaceholder(Node node) {
        table.setPlaceholder(node);
    }

    public TableView<AuditSummary> table() {
        return table;
    }

    private static TreeItem<DetailNode> tree(DetailNode n, int depth) {
        TreeItem<DetailNode> item = new TreeItem<>(n);
        n.children().forEach(c -> item.getChildren().add(tree(c, depth + 1)));
        item.setExpanded(depth < 2);
        return item;
    }

}
