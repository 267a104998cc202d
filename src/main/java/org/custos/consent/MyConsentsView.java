package org.custos.consent;

import javafx.fxml.FXML;
import javafx.scene.AccessibleRole;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.custos.ui.Views;

/**
 * "My consents": the list in plain words, New consent (the guided steps in its place), Withdraw with a confirmation.
 */
public final class MyConsentsView {
    private final MyConsentsViewModel vm;
    private final GuidedConsentView guide;
    private Parent root;

    @FXML StackPane stack;
    @FXML BorderPane listPane;
    @FXML Label messageLabel;
    @FXML Button newButton;
    @FXML Button withdrawButton;
    @FXML Button setAsideButton;
    @FXML ProgressIndicator busyIndicator;
    @FXML ListView<MyConsentsViewModel.Row> consentList;
    @FXML VBox confirmPane;
    @FXML Label confirmLabel;
    @FXML Button confirmWithdrawButton;
    @FXML Button keepButton;

    public MyConsentsView(MyConsentsViewModel vm) {
        this.vm = vm;
        this.guide = new GuidedConsentView(vm.making()).onClose(vm::closeGuide);
    }

    public Parent root() {
        if (root == null) {
            root = Views.load(this);
        }
        return root;
    }

    @FXML
    void initialize() {
        Parent steps = guide.root();
        stack.getChildren().add(steps);
        steps.visibleProperty().bind(vm.creating());
        listPane.visibleProperty().bind(vm.creating().not());
        consentList.setItems(vm.rows());
        consentList.setCellFactory(l -> new RowCell());
        messageLabel.textProperty().bind(vm.message());
        messageLabel.accessibleTextProperty().bind(vm.message());
        messageLabel.visibleProperty().bind(vm.message().isNotEmpty());
        messageLabel.managedProperty().bind(messageLabel.visibleProperty());
        busyIndicator.visibleProperty().bind(vm.busy());
        withdrawButton.disableProperty().bind(consentList.getSelectionModel().selectedItemProperty().isNull()
                .or(vm.busy()));
        setAsideButton.visibleProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(() -> {
            MyConsentsViewModel.Row r = consentList.getSelectionModel().getSelectedItem();
            return r != null && r.canSetAside();
        }, consentList.getSelectionModel().selectedItemProperty()));
        setAsideButton.managedProperty().bind(setAsideButton.visibleProperty());
        setAsideButton.disableProperty().bind(vm.busy());
        confirmPane.visibleProperty().bind(vm.withdrawing().isNotNull());
        confirmPane.managedProperty().bind(confirmPane.visibleProperty());
        confirmWithdrawButton.disableProperty().bind(vm.busy());
        vm.withdrawing().addListener((o, was, now) -> {
            if (now != null) {
                String text = vm.confirmText();
                confirmLabel.setText(text);
                confirmLabel.setAccessibleText(text);
                keepButton.requestFocus();
            } else {
                consentList.requestFocus();
            }
        });
        vm.creating().addListener((o, was, now) -> {
            if (!now) {
                newButton.requestFocus();
            }
        });
    }

    @FXML
    void create() {
        vm.create();
    }

    @FXML
    void withdraw() {
        vm.withdraw(consentList.getSelectionModel().getSelectedItem());
    }

    @FXML
    void setAside() {
        vm.setAside(consentList.getSelectionModel().getSelectedItem());
    }

    @FXML
    void confirmWithdraw() {
        vm.confirmWithdraw();
    }

    @FXML
    void cancelWithdraw() {
        vm.cancelWithdraw();
    }

    /** A consent: what it does, then its state and day; spoken as one sentence. */
    private static final class RowCell extends ListCell<MyConsentsViewModel.Row> {
        RowCell() {
            setPrefWidth(0); // wrap at the list's width
        }

        @Override
        protected void updateItem(MyConsentsViewModel.Row r, boolean empty) {
            super.updateItem(r, empty);
            if (empty || r == null) {
                setGraphic(null);
                setText(null);
                setAccessibleText(null);
                return;
            }
            Label text = new Label(r.text());
            text.setWrapText(true);
            text.setMinHeight(Region.USE_PREF_SIZE);
            Label state = new Label(r.state() + (r.made().isEmpty() ? "" : " · made " + r.made()));
            state.getStyleClass().add("guided-row-note");
            setText(null);
            setGraphic(new VBox(2, text, state));
            setAccessibleRole(AccessibleRole.LIST_ITEM);
            setAccessibleText(r.spoken());
        }
    }
}
