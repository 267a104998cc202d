package org.custos.review;

import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.Window;
import org.custos.ui.Views;

/** What counts as a disclosure, in a window of its own opened from the patient access tab. */
public final class DisclosureSettingsView {
    private final DisclosureSettingsViewModel vm;
    private Parent root;
    private final org.custos.ui.ToolWindow window = new org.custos.ui.ToolWindow("What counts as a disclosure");

    @FXML Label disclosureState;
    @FXML TextField exportTypesField;
    @FXML TextField recipientRolesField;
    @FXML TextArea ownOrganisationsArea;
    @FXML TextArea exemptPurposesArea;
    @FXML Label disclosureProblem;
    @FXML Button disclosureSaveButton;
    @FXML Button disclosureDefaultsButton;
    @FXML Label disclosureSettingsMessage;

    public DisclosureSettingsView(DisclosureSettingsViewModel vm) {
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
        disclosureState.textProperty().bind(vm.state());
        exportTypesField.textProperty().bindBidirectional(vm.exportTypes);
        recipientRolesField.textProperty().bindBidirectional(vm.recipientRoles);
        ownOrganisationsArea.textProperty().bindBidirectional(vm.ownOrganisations);
        exemptPurposesArea.textProperty().bindBidirectional(vm.exemptPurposes);
        disclosureProblem.textProperty().bind(vm.problem());
        disclosureSaveButton.disableProperty().bind(vm.busy().or(vm.problem().isNotEmpty()));
        disclosureDefaultsButton.disableProperty().bind(vm.busy());
        disclosureSettingsMessage.textProperty().bind(vm.message());
    }

    /** Opens the window (one at a time), reading the kept definition. */
    public void show(Window owner) {
        vm.load();
        window.show(owner, this::root);
    }

    @FXML
    void save() {
        vm.save();
    }

    @FXML
    void defaults() {
        vm.defaults();
    }
}
