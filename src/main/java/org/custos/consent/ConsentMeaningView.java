package org.custos.consent;

import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import org.custos.ui.Views;

/**
 * What the consent in the editor means, beside its form: the plain-language summary, the changes between kept
 * versions, and the decision simulator. Binds {@link ConsentMeaningViewModel}; the editor highlights the deciding
 * element.
 */
public final class ConsentMeaningView {
    private final ConsentMeaningViewModel vm;
    private Parent root;

    @FXML TabPane meaningTabs;
    @FXML javafx.scene.control.Tab meaningSimulatorTab;
    @FXML javafx.scene.control.Tab meaningChangesTab;
    @FXML ListView<ConsentSummary.Sentence> meaningSummaryList;
    @FXML ListView<ConsentMeaningViewModel.VersionRow> meaningVersionList;
    @FXML TextArea meaningChangeText;
    @FXML Label meaningHistoryNote;
    @FXML TextField simActorField;
    @FXML ComboBox<String> simRoleBox;
    @FXML ComboBox<String> simActionBox;
    @FXML ComboBox<String> simPurposeBox;
    @FXML ComboBox<String> simClassBox;
    @FXML ComboBox<String> simLabelBox;
    @FXML TextField simDateField;
    @FXML Button simDecideButton;
    @FXML Label simOutcome;
    @FXML Label simRule;
    @FXML ListView<String> simReasons;

    public ConsentMeaningView(ConsentMeaningViewModel vm) {
        this.vm = vm;
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    /** Further tabs beside these (the editor's problems and kept elements): one column of tabs. */
    void addTabs(javafx.scene.control.Tab... tabs) {
        root();
        meaningTabs.getTabs().addAll(tabs);
    }

    /** Brings a tab forward. */
    void select(javafx.scene.control.Tab tab) {
        meaningTabs.getSelectionModel().select(tab);
    }

    @FXML
    void initialize() {
        meaningSummaryList.setItems(vm.summary());
        meaningSummaryList.setCellFactory(l -> wrapping(l));
        meaningVersionList.setItems(vm.versions());
        meaningChangesTab.selectedProperty().addListener((o, was, now) -> vm.serverHistoryShown(now));
        meaningHistoryNote.textProperty().bind(vm.historyNote());
        meaningHistoryNote.managedProperty().bind(vm.historyNote().isNotEmpty());
        meaningVersionList.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.chosen().set(b);
            }
        });
        vm.chosen().addListener((o, a, b) -> meaningVersionList.getSelectionModel().select(b));
        meaningChangeText.textProperty().bind(vm.changeText());
        simActorField.textProperty().bindBidirectional(vm.actor());
        picker(simRoleBox, ConsentCodes.ACTOR_ROLE, vm.role());
        picker(simActionBox, ConsentCodes.ACTION, vm.action());
        picker(simPurposeBox, ConsentCodes.PURPOSE, vm.purpose());
        picker(simClassBox, ConsentCodes.CONTENT_CLASS, vm.dataClass());
        picker(simLabelBox, ConsentCodes.SECURITY_LABEL, vm.label());
        simDateField.textProperty().bindBidirectional(vm.date());
        simOutcome.textProperty().bind(vm.outcome());
        vm.outcomeStyle().addListener((o, a, b) -> {
            simOutcome.getStyleClass().removeAll(ConsentMeaningViewModel.OUTCOME_STYLES);
            simOutcome.getStyleClass().add(b);
        });
        simRule.textProperty().bind(vm.rule());
        simReasons.setItems(vm.reasons());
        simReasons.setCellFactory(l -> wrapping(l));
    }

    private void picker(ComboBox<String> box, String valueSet, javafx.beans.property.StringProperty value) {
        box.getItems().setAll(vm.choices(valueSet));
        // the value sets load in the background: offer them when the list is opened
        box.setOnShowing(e -> box.getItems().setAll(vm.choices(valueSet)));
        box.getEditor().textProperty().bindBidirectional(value);
        box.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                value.set(b);
            }
        });
    }

    private static <T> ListCell<T> wrapping(ListView<T> list) {
        ListCell<T> cell = new ListCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item instanceof ConsentSummary.Sentence s ? s.text()
                        : item.toString());
            }
        };
        // the cell takes the list's width (not its text's), so the text wraps instead of ending in "…"
        cell.setWrapText(true);
        cell.setPrefWidth(0);
        cell.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        return cell;
    }

    @FXML
    void decide() {
        vm.decide();
    }
}
