package org.custos.patient;

import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import org.custos.ui.Views;

/** The patient's home: the title, "Fetch my record" with what it did, and "who looked at my record" below. */
public final class PatientHomeView {
    private final PatientHomeViewModel vm;
    private final AccessHistoryView history;
    private Parent root;

    @FXML BorderPane homePane;
    @FXML Label titleLabel;
    @FXML Label fetchStatusLabel;
    @FXML Button fetchButton;

    public PatientHomeView(PatientHomeViewModel vm) {
        this.vm = vm;
        this.history = new AccessHistoryView(vm.history());
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
        fetchButton.disableProperty().bind(vm.busyProperty());
        homePane.setCenter(history.root());
    }

    @FXML
    void fetch() {
        vm.fetch();
    }
}
