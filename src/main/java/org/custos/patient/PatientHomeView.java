package org.custos.patient;

import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import org.custos.ui.Views;

/**
 * The patient's home: the title, "Fetch my record" with what it did, and below two tabs: "who looked at my record" and
 * "my consents" (a screen of its own, given by the composition root).
 */
public final class PatientHomeView {
    private final PatientHomeViewModel vm;
    private final AccessHistoryView history;
    private final javafx.scene.Node consents;
    private Parent root;

    @FXML BorderPane homePane;
    @FXML Label titleLabel;
    @FXML Label fetchStatusLabel;
    @FXML Button fetchButton;
    @FXML Button signInButton;
    @FXML Button signOutButton;
    @FXML javafx.scene.control.TabPane homeTabs;
    @FXML javafx.scene.control.Tab historyTab;
    @FXML javafx.scene.control.Tab consentsTab;

    /** {@code consents}: the "My consents" screen (null: none, the tab is left out). */
    public PatientHomeView(PatientHomeViewModel vm, javafx.scene.Node consents) {
        this.vm = vm;
        this.history = new AccessHistoryView(vm.history());
        this.consents = consents;
    }

    public PatientHomeView(PatientHomeViewModel vm) {
        this(vm, null);
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        titleLabel.setText(vm.title());
        titleLabel.setAccessibleText(vm.title());
        fetchStatusLabel.textProperty().bind(vm.statusProperty());
        fetchStatusLabel.visibleProperty().bind(vm.statusProperty().isNotEmpty());
        fetchButton.disableProperty().bind(vm.busyProperty().or(vm.signingInProperty()));
        signInButton.visibleProperty().bind(vm.needsSignInProperty());
        signInButton.managedProperty().bind(signInButton.visibleProperty());
        signInButton.disableProperty().bind(vm.signingInProperty());
        signOutButton.visibleProperty().bind(vm.needsSignInProperty().not().and(
                javafx.beans.binding.Bindings.createBooleanBinding(vm::signsIn)));
        signOutButton.managedProperty().bind(signOutButton.visibleProperty());
        signOutButton.disableProperty().bind(vm.signingInProperty().or(vm.busyProperty()));
        historyTab.setContent(history.root());
        if (consents == null) {
            homeTabs.getTabs().remove(consentsTab);
        } else {
            consentsTab.setContent(consents);
        }
    }

    @FXML
    void fetch() {
        vm.fetch();
    }

    @FXML
    void signIn() {
        vm.signIn();
    }

    @FXML
    void signOut() {
        vm.signOut();
    }
}
